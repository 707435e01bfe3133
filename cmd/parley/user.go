package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	parley "github.com/parley-forum/parley"
	"github.com/parley-forum/parley/auth"
	"golang.org/x/term"
)

const userUsage = `Usage: parley user create --handle H --name "Display Name" --email E [--role ROLE] [--badge "Title"]

Creates an account that can sign in, reading its password from standard input (one line).
ROLE is member (the default), moderator, staff or admin: this is how the first admin is made.
`

// runUser runs parley user's subcommands.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return errors.New("user: no subcommand given")
	}
	switch args[0] {
	case "create":
		return runUserCreate(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, userUsage)
		return nil
	}
	fmt.Fprint(stderr, userUsage)
	return fmt.Errorf("user: unknown subcommand %q", args[0])
}

// userFlags maps the fields a new account's errors name to the flags that set them.
var userFlags = map[string]string{
	"handle":       "--handle",
	"display_name": "--name",
	"email":        "--email",
	"role":         "--role",
	"password":     "password (standard input)",
}

func runUserCreate(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var u parley.NewUser
	var email, role string
	f := newFlags("user create", getenv, stderr)
	c.register(f)
	f.String(&u.Handle, "handle", "", "the handle to sign in with, shown in URLs")
	f.String(&u.DisplayName, "name", "", "the name shown beside posts")
	f.String(&email, "email", "", "the account's email address")
	f.String(&role, "role", "member", "member, moderator, staff or admin")
	f.String(&u.Badge, "badge", "", `a title shown beside the name, e.g. "DTS Engineer"`)
	f.Usage = func() { fmt.Fprint(stderr, userUsage+"\nFlags:\n"); f.PrintDefaults() }
	if err := f.parse(args); err != nil {
		return err
	}
	u.Role = parley.Role(role)
	if !u.Role.Valid() {
		return fmt.Errorf("--role %q: use member, moderator, staff or admin", role)
	}
	if err := u.Validate(); err != nil {
		return flagError(err)
	}
	if err := parley.ValidateEmail(email); err != nil {
		return flagError(err)
	}

	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := parley.ValidatePassword("password", password); err != nil {
		return flagError(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}

	store, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	created, err := store.CreateAccount(ctx, u, email, hash)
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(stdout, "Created %s %s (user %d).\n", created.Role, created.Handle, created.ID)
	return nil
}

// flagError rewrites a domain error about a field as one about the flag that set it.
func flagError(err error) error {
	var pe *parley.Error
	if errors.As(err, &pe) && userFlags[pe.Field] != "" {
		return fmt.Errorf("%s: %s", userFlags[pe.Field], pe.Message)
	}
	return err
}

// readPassword reads one line from stdin, without its line ending. From a terminal it
// prompts on stderr and does not echo what is typed.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("password (standard input): none given; pipe it in, e.g. parley user create … < password.txt")
	}
	return line, nil
}
