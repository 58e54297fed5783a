package pgserver

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
)

// initCacheVersion changes whenever what initCluster creates changes, so that older copies are not used.
const initCacheVersion = "1"

// initCache keeps one freshly initialised data directory per set of server binaries, in the user's cache
// directory, so that a cluster starts from a copy of it (tens of milliseconds) instead of from initdb (about
// a second of CPU, paid by every test binary that starts a server). The copy's superuser password is stored
// beside it, readable by this user only, and replaced by a fresh random one as soon as the server answers,
// so every cluster still has a password of its own.
type initCache struct {
	dir string // <user cache>/yapstore/pgserver-initdb/<key>; holds data/ and password once published
}

// openInitCache returns the cache entry for the binaries in binDir, or nil when there is no user cache
// directory or the binaries cannot be told apart (then every cluster runs initdb).
func openInitCache(binDir string) *initCache {
	root, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", initCacheVersion, binDir)
	for _, name := range []string{"initdb", "postgres"} {
		st, err := os.Stat(filepath.Join(binDir, exeName(name)))
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s %d %d\n", name, st.Size(), st.ModTime().UnixNano())
	}
	return &initCache{dir: filepath.Join(root, "yapstore", "pgserver-initdb", hex.EncodeToString(h.Sum(nil))[:16])}
}

// restore copies the cached data directory to dataDir, owned by runAs, and returns the copy's superuser
// password; ok is false when nothing is cached yet or the copy failed (dataDir is then removed).
func (c *initCache) restore(dataDir string, runAs *account) (password string, ok bool) {
	if c == nil {
		return "", false
	}
	pw, err := os.ReadFile(filepath.Join(c.dir, "password"))
	if err != nil {
		return "", false
	}
	if err := copyTree(filepath.Join(c.dir, "data"), dataDir, runAs); err != nil {
		_ = os.RemoveAll(dataDir)
		return "", false
	}
	return strings.TrimSpace(string(pw)), true
}

// store publishes a copy of dataDir, just initialised with password and never started, for later clusters.
// Another process may publish first; then this copy is dropped. Errors are only logged: the cache is an
// optimisation.
func (c *initCache) store(dataDir, password string, logf func(string, ...any)) {
	if c == nil {
		return
	}
	if _, err := os.Stat(filepath.Join(c.dir, "password")); err == nil {
		return
	}
	parent := filepath.Dir(c.dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		logf("pgserver: initdb cache: %v", err)
		return
	}
	tmp, err := os.MkdirTemp(parent, ".building-*")
	if err != nil {
		logf("pgserver: initdb cache: %v", err)
		return
	}
	defer os.RemoveAll(tmp)
	err = copyTree(dataDir, filepath.Join(tmp, "data"), nil)
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, "password"), []byte(password+"\n"), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, c.dir)
		if errors.Is(err, fs.ErrExist) || err != nil && dirExists(c.dir) {
			err = nil // another process published it first
		}
	}
	if err != nil {
		logf("pgserver: initdb cache: %v", err)
	}
}

func dirExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// copyTree copies the directory src to dst (which must not exist) with the same permissions, owned by
// runAs (the current user when nil). It copies directories and regular files; a data directory fresh from
// initdb holds nothing else.
func copyTree(src, dst string, runAs *account) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(target, info.Mode().Perm()); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if err := copyFile(path, target, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: not a regular file or directory", path)
		}
		return runAs.chown(target)
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// setPassword replaces the superuser's password on the server at url. It sends a SCRAM-SHA-256 verifier
// computed here, never the password, so that not even a failing statement in the server's log shows it.
func setPassword(ctx context.Context, url, password string) error {
	verifier, err := scramVerifier(password)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// ALTER ROLE takes no parameters; the verifier holds only base64 characters and '$', ':'.
	_, err = conn.Exec(ctx, "ALTER ROLE postgres PASSWORD '"+verifier+"'")
	return err
}

// scramVerifier returns what PostgreSQL stores for password under SCRAM-SHA-256 (RFC 5802 and 7677) with a
// random salt and PostgreSQL's 4096 iterations.
func scramVerifier(password string) (string, error) {
	const iterations = 4096
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // crypto/rand.Read never returns an error since Go 1.24
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(key []byte, msg string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	storedKey := sha256.Sum256(mac(salted, "Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(storedKey[:]), b64(mac(salted, "Server Key"))), nil
}
