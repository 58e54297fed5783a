package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
)

// Lint rules: operations that hold a lock on a populated table, which the platform writes all the time, for
// as long as they scan or rewrite it.
const (
	// RuleIndexNotConcurrent: CREATE INDEX without CONCURRENTLY, or ADD CONSTRAINT … UNIQUE or PRIMARY KEY
	// without USING INDEX, on a table the file does not create, blocks every write to it until the index is
	// built. (Build the index concurrently first, then ADD CONSTRAINT … USING INDEX.)
	RuleIndexNotConcurrent = "index-not-concurrent"
	// RuleConcurrentIndexInTx: CREATE INDEX CONCURRENTLY cannot run in a transaction; the file needs
	// "-- atlas:txmode none".
	RuleConcurrentIndexInTx = "concurrent-index-in-transaction"
	// RuleNotNullWithoutDefault: ADD COLUMN … NOT NULL without a DEFAULT fails on a populated table, and SET
	// NOT NULL scans the whole table under an exclusive lock.
	RuleNotNullWithoutDefault = "not-null-without-default"
	// RuleColumnTypeChange: ALTER COLUMN … TYPE rewrites the table (and its indexes) under an exclusive lock.
	RuleColumnTypeChange = "column-type-change"
)

// LintFinding is one statement of a migration file that blocks writers of a live database.
type LintFinding struct {
	File      string // the file's name
	Line      int    // the line the statement starts on
	Rule      string // one of the Rule constants
	Statement string // the statement, on one line
}

// String describes the finding and how to waive it.
func (f LintFinding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s (waive with a reviewed line: -- lint:allow %s <why it is safe>)",
		f.File, f.Line, f.Rule, f.Statement, f.Rule)
}

var (
	createIndex   = regexp.MustCompile(`(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(IF\s+NOT\s+EXISTS\s+)?\S*\s*ON\s+(ONLY\s+)?("[^"]+"|[\w.]+)`)
	createTable   = regexp.MustCompile(`(?is)^\s*CREATE\s+(UNLOGGED\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?("[^"]+"|[\w.]+)`)
	addNotNull    = regexp.MustCompile(`(?is)ADD\s+(COLUMN\s+)?("[^"]+"|\w+)\s+[^,;]*?\bNOT\s+NULL\b[^,;]*`)
	setNotNull    = regexp.MustCompile(`(?is)ALTER\s+(COLUMN\s+)?("[^"]+"|\w+)\s+SET\s+NOT\s+NULL`)
	typeChange    = regexp.MustCompile(`(?is)ALTER\s+(COLUMN\s+)?("[^"]+"|\w+)\s+(SET\s+DATA\s+)?TYPE\b`)
	hasDefault    = regexp.MustCompile(`(?i)\bDEFAULT\b`)
	addUnique     = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+(ONLY\s+)?("[^"]+"|[\w.]+).*\bADD\s+(CONSTRAINT\s+\S+\s+)?(UNIQUE|PRIMARY\s+KEY)\b`)
	usingIndex    = regexp.MustCompile(`(?i)\bUSING\s+INDEX\b`)
	txModeNone    = regexp.MustCompile(`(?m)^--\s*atlas:txmode\s+none\s*$`)
	waiver        = regexp.MustCompile(`(?m)^--\s*lint:allow\s+(\S+)(.*)$`)
	lineSpaceRuns = regexp.MustCompile(`\s+`)
)

// Lint checks the migration files of fsys whose versions come after the version after ("" for all) for
// statements that block writers of a populated table, and returns what it finds, in file and line order. A
// file waives a rule with a line "-- lint:allow <rule> <reason>": the reason, which a reviewer reads, is
// required. It returns an error when fsys cannot be read or a waiver gives no reason.
func Lint(fsys fs.FS, after string) ([]LintFinding, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var findings []LintFinding
	for _, name := range names {
		version, _, _ := strings.Cut(path.Base(name), "_")
		if after != "" && version <= after {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		found, err := lintFile(name, string(data))
		if err != nil {
			return nil, err
		}
		findings = append(findings, found...)
	}
	return findings, nil
}

// lintFile lints one file's text.
func lintFile(name, text string) ([]LintFinding, error) {
	allowed := map[string]bool{}
	for _, m := range waiver.FindAllStringSubmatch(text, -1) {
		if strings.TrimSpace(m[2]) == "" {
			return nil, fmt.Errorf("migrate: %s: the waiver of %s gives no reason", name, m[1])
		}
		allowed[m[1]] = true
	}
	stmts, err := (*postgres.Driver)(nil).ScanStmts(text)
	if err != nil {
		return nil, fmt.Errorf("migrate: %s: %w", name, err)
	}
	created := map[string]bool{} // tables the file creates: nobody writes them yet
	var findings []LintFinding
	add := func(stmt string, pos int, rule string) {
		if allowed[rule] {
			return
		}
		findings = append(findings, LintFinding{File: name, Line: strings.Count(text[:pos], "\n") + 1, Rule: rule,
			Statement: strings.TrimSpace(lineSpaceRuns.ReplaceAllString(stmt, " "))})
	}
	for _, st := range stmts {
		sql := withoutComments(st.Text)
		if m := createTable.FindStringSubmatch(sql); m != nil {
			created[unquote(m[3])] = true
		}
		if m := createIndex.FindStringSubmatch(sql); m != nil {
			switch {
			case m[2] != "" && !txModeNone.MatchString(text):
				add(st.Text, st.Pos, RuleConcurrentIndexInTx)
			case m[2] == "" && !created[unquote(m[5])]:
				add(st.Text, st.Pos, RuleIndexNotConcurrent)
			}
		}
		if m := addUnique.FindStringSubmatch(sql); m != nil && !usingIndex.MatchString(sql) && !created[unquote(m[2])] {
			add(st.Text, st.Pos, RuleIndexNotConcurrent)
		}
		for _, m := range addNotNull.FindAllString(sql, -1) {
			if !hasDefault.MatchString(m) {
				add(st.Text, st.Pos, RuleNotNullWithoutDefault)
				break
			}
		}
		if setNotNull.MatchString(sql) {
			add(st.Text, st.Pos, RuleNotNullWithoutDefault)
		}
		if typeChange.MatchString(sql) {
			add(st.Text, st.Pos, RuleColumnTypeChange)
		}
	}
	return findings, nil
}

// withoutComments returns a statement with its "--" comment lines left out.
func withoutComments(stmt string) string {
	lines := strings.Split(stmt, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// unquote returns a table name without its double quotes or schema.
func unquote(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 && !strings.HasPrefix(name, `"`) {
		name = name[i+1:]
	}
	return strings.Trim(name, `"`)
}
