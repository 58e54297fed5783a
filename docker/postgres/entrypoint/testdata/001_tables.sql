-- Run by the image's entry point on a new database; image_test.go checks that it ran.
CREATE TABLE init_marker (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO init_marker VALUES (1, 'created by an init script');
