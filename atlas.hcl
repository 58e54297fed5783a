# Atlas configuration. The desired state is the SQL in schema/; versioned migrations live in migrations/.
#
# The dev database is any empty PostgreSQL database Atlas may use as a scratch pad (it creates and drops objects
# there while planning); nothing needs Docker. Give it as ATLAS_DEV_URL, for example
#   export ATLAS_DEV_URL='postgres://postgres@127.0.0.1:5432/atlas_dev?sslmode=disable'
# or let `make` start a throwaway one (see the Makefile).

variable "dev_url" {
  type    = string
  default = getenv("ATLAS_DEV_URL")
}

env "local" {
  src = "file://schema"
  dev = var.dev_url
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
  lint {
    # Changes that lose data fail the lint; data-dependent changes (a new unique key over existing rows) are
    # reported for review.
    destructive {
      error = true
    }
  }
}
