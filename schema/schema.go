// Package schema reads a store's numbered migrations and decides which of them a database
// still needs. Each store keeps its migrations in its own SQL dialect and applies them
// itself; what a migration is, their order and which are due is the same for every store.
package schema

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered schema change, from a file named NNNN_name.sql.
type Migration struct {
	Version int
	Name    string // the file name without .sql
	SQL     string
}

// Read returns the migrations in folder dir of fsys, in order. Released files are never
// edited: a change to the schema is a new file.
func Read(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", name)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Pending returns the migrations of all, which are in order, that are not among the
// versions applied, in order. What was applied is read as a set, not as the highest
// number: migrations written on different branches may arrive out of order (0005 released
// before 0004), and the late one must still be applied. It refuses a database holding a
// migration newer than all, so that an old binary never serves a newer schema.
func Pending(all []Migration, applied []int) ([]Migration, error) {
	done, newest := map[int]bool{}, 0
	for _, v := range applied {
		done[v], newest = true, max(newest, v)
	}
	if latest := all[len(all)-1].Version; newest > latest {
		return nil, fmt.Errorf("the database schema is version %d but this parley knows only up to %d: upgrade parley", newest, latest)
	}
	var out []Migration
	for _, m := range all {
		if !done[m.Version] {
			out = append(out, m)
		}
	}
	return out, nil
}
