package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/parley-forum/parley/email"
	"github.com/parley-forum/parley/postgres"
)

// flags wraps a FlagSet so that every flag takes its default from PARLEY_<NAME> when that
// variable is set; a flag on the command line still wins.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
	errs   []error
}

func newFlags(name string, getenv func(string) string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flags{FlagSet: fs, getenv: getenv}
}

func envName(flagName string) string {
	return "PARLEY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flags) String(p *string, name, def, help string) {
	if v := f.getenv(envName(name)); v != "" {
		def = v
	}
	f.StringVar(p, name, def, help+" ("+envName(name)+")")
}

func (f *flags) Int(p *int, name string, def int, help string) {
	if v := f.getenv(envName(name)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: not a whole number", envName(name), v))
		}
		def = n
	}
	f.IntVar(p, name, def, help+" ("+envName(name)+")")
}

func (f *flags) Bool(p *bool, name string, def bool, help string) {
	if v := f.getenv(envName(name)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: use true or false", envName(name), v))
		}
		def = b
	}
	f.BoolVar(p, name, def, help+" ("+envName(name)+")")
}

func (f *flags) Duration(p *time.Duration, name string, def time.Duration, help string) {
	if v := f.getenv(envName(name)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: not a duration such as 1s or 500ms", envName(name), v))
		}
		def = d
	}
	f.DurationVar(p, name, def, help+" ("+envName(name)+")")
}

// Size is a flag for a number of bytes, written as a whole number with an optional unit of
// 1024: 5MB, 512KB, 1048576.
func (f *flags) Size(p *int64, name string, def int64, help string) {
	if v := f.getenv(envName(name)); v != "" {
		n, err := parseSize(v)
		if err != nil {
			f.errs = append(f.errs, fmt.Errorf("%s=%q: %v", envName(name), v, err))
		}
		def = n
	}
	*p = def
	f.Func(name, help+" (default "+formatSize(def)+"; "+envName(name)+")", func(v string) error {
		n, err := parseSize(v)
		*p = n
		return err
	})
}

func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		n      int64
	}{{"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}, {"", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(strings.ToUpper(strings.TrimSpace(v)), u.suffix); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
			if err != nil || n < 0 || n > 1<<40/u.n {
				return 0, errors.New("not a size such as 5MB, 512KB or 1048576")
			}
			return n * u.n, nil
		}
	}
	return 0, nil // unreachable: the last unit matches anything
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10)
}

// parse reads the arguments and reports every environment error at once.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		f.errs = append(f.errs, fmt.Errorf("unexpected argument %q", f.Arg(0)))
	}
	return errors.Join(f.errs...)
}

// common are the settings every command that opens the database shares.
type common struct {
	Data string
	// DatabaseURL, when set, names a PostgreSQL database to use instead of the SQLite file
	// in Data; Data still holds the attached files.
	DatabaseURL string
	// DatabaseReadURL, when set, names a read replica of DatabaseURL for list and thread
	// reads.
	DatabaseReadURL string
	LogLevel        string
	// loading is set by the commands that bulk-load a forum (the imports, demo): they open
	// a SQLite database holding part of a load that never finished by clearing that part,
	// where every other command refuses it.
	loading bool
}

func (c *common) register(f *flags) {
	f.String(&c.Data, "data", "./data", "folder for the database and uploaded files")
	f.String(&c.DatabaseURL, "database-url", "", "PostgreSQL database to use instead of SQLite, e.g. postgres://parley@db.internal/parley")
	f.String(&c.DatabaseReadURL, "database-read-url", "", "a read replica of --database-url for list and thread reads")
	f.String(&c.LogLevel, "log-level", "info", "least severe log level written: debug, info, warn or error")
}

func (c *common) dbPath() string { return filepath.Join(c.Data, "parley.db") }

// blobPath is the folder of attached files.
func (c *common) blobPath() string { return filepath.Join(c.Data, "blobs") }

func (c *common) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level (PARLEY_LOG_LEVEL) %q: use debug, info, warn or error", c.LogLevel)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})), nil
}

// serveConfig is parley serve's configuration, read once and validated.
type serveConfig struct {
	common
	Addr    string
	BaseURL string
	Demo    bool
	// CacheTTL is how long list reads, and pages for readers without a session, are served
	// from memory; 0 turns both caches off.
	CacheTTL time.Duration
	// NewAccountPeriod and NewAccountLinks hold back link spam from brand-new accounts.
	NewAccountPeriod time.Duration
	NewAccountLinks  int
	// MaxAttachmentSize and MaxAttachments bound the files of one post.
	MaxAttachmentSize int64
	MaxAttachments    int
	// MaxUploadBytesPerDay is how many bytes of files an account may send in 24 hours.
	MaxUploadBytesPerDay int64
	// MaxAccountStorage is how many bytes of files an account may hold at once.
	MaxAccountStorage int64
	// LiveStreamsPerAddress caps the live-update streams one client address holds open;
	// behind a proxy every reader has the proxy's address, so raise it there.
	LiveStreamsPerAddress int
	// Blobs is where attached files live: "database" (PostgreSQL only, the default there)
	// or "folder" (Data's blobs/, the default on SQLite).
	Blobs string
	// MetricsAddr, when set, is an address serving /metrics alone, for operators; the
	// site's address then serves no metrics. MetricsToken, when set instead, lets the
	// site's /metrics answer a bearer of it. With neither, no address serves metrics.
	MetricsAddr  string
	MetricsToken string
	// SMTPURL, when set, is the SMTP server email goes through, SMTPFrom the address it
	// comes from; without it the forum sends no email.
	SMTPURL  string
	SMTPFrom string
	base     *url.URL
	smtp     *email.Server
	from     *mail.Address
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	f := newFlags("serve", getenv, stderr)
	c.register(f)
	f.String(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.String(&c.BaseURL, "base-url", "", "public URL of the site, for feeds and canonical links (default http://ADDR)")
	f.Bool(&c.Demo, "demo", false, "fill an empty database with a small demo forum before serving")
	f.Duration(&c.CacheTTL, "cache-ttl", time.Second, "how long list reads and pages for readers without a session are served from memory (0 for never)")
	f.Duration(&c.NewAccountPeriod, "new-account-period", 24*time.Hour, "how long after signing up an account's posts are held to --new-account-links")
	f.Int(&c.NewAccountLinks, "new-account-links", 2, "links to other sites a post from a new account may carry")
	f.Size(&c.MaxAttachmentSize, "max-attachment-size", 5<<20, "largest file a post may carry")
	f.Int(&c.MaxAttachments, "max-attachments", 5, "most files a post may carry")
	f.Size(&c.MaxUploadBytesPerDay, "max-upload-bytes-per-day", 100<<20, "bytes of files an account may send in 24 hours, posted or not")
	f.Size(&c.MaxAccountStorage, "max-account-storage", 1<<30, "bytes of files an account may hold: sent in the last 24 hours, or carried by its visible posts")
	f.Int(&c.LiveStreamsPerAddress, "live-streams-per-address", 20, "live-update streams one client address may hold open")
	f.String(&c.Blobs, "blobs", "", "where attached files live: database (PostgreSQL only) or folder (default database with --database-url, else folder)")
	f.String(&c.MetricsAddr, "metrics-addr", "", "address serving /metrics alone, for operators (default none)")
	f.String(&c.MetricsToken, "metrics-token", "", "bearer token that /metrics on --addr asks for (default none: not served on --addr)")
	f.String(&c.SMTPURL, "smtp-url", "", "SMTP server to send email through, e.g. smtp://user:password@mail.example:587 or smtps://mail.example (default none: no email)")
	f.String(&c.SMTPFrom, "smtp-from", "", "address email comes from, e.g. 'Parley <forum@example.com>'; required with --smtp-url")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	return c, c.validate()
}

func (c *serveConfig) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr (PARLEY_ADDR) %q: want host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url (PARLEY_BASE_URL) %q: want an absolute http or https URL", c.BaseURL)
	}
	c.base = u
	if c.NewAccountPeriod < 0 || c.NewAccountLinks < 0 {
		return fmt.Errorf("--new-account-period and --new-account-links (PARLEY_NEW_ACCOUNT_PERIOD, PARLEY_NEW_ACCOUNT_LINKS) cannot be negative")
	}
	if c.CacheTTL < 0 || c.CacheTTL > time.Minute {
		return fmt.Errorf("--cache-ttl (PARLEY_CACHE_TTL) %s: use 0 (off) up to 1m", c.CacheTTL)
	}
	// A post's files are read whole before it is written, so their total bounds what one
	// request may hold on disk; 20 files of 100 MB is far past what a question needs.
	if c.MaxAttachmentSize < 1<<10 || c.MaxAttachmentSize > 100<<20 {
		return fmt.Errorf("--max-attachment-size (PARLEY_MAX_ATTACHMENT_SIZE) %s: use 1KB up to 100MB", formatSize(c.MaxAttachmentSize))
	}
	if c.MaxAttachments < 1 || c.MaxAttachments > 20 {
		return fmt.Errorf("--max-attachments (PARLEY_MAX_ATTACHMENTS) %d: use 1 up to 20", c.MaxAttachments)
	}
	// A budget below the largest file would refuse that file every day.
	if c.MaxUploadBytesPerDay < c.MaxAttachmentSize {
		return fmt.Errorf("--max-upload-bytes-per-day (PARLEY_MAX_UPLOAD_BYTES_PER_DAY) %s: use at least --max-attachment-size, %s",
			formatSize(c.MaxUploadBytesPerDay), formatSize(c.MaxAttachmentSize))
	}
	// A quota below the largest file would refuse that file to every account.
	if c.MaxAccountStorage < c.MaxAttachmentSize {
		return fmt.Errorf("--max-account-storage (PARLEY_MAX_ACCOUNT_STORAGE) %s: use at least --max-attachment-size, %s",
			formatSize(c.MaxAccountStorage), formatSize(c.MaxAttachmentSize))
	}
	if err := c.validateMetrics(); err != nil {
		return err
	}
	if c.LiveStreamsPerAddress < 1 {
		return fmt.Errorf("--live-streams-per-address (PARLEY_LIVE_STREAMS_PER_ADDRESS) %d: use 1 or more", c.LiveStreamsPerAddress)
	}
	if err := c.validateSMTP(); err != nil {
		return err
	}
	return c.validateBlobs()
}

// minMetricsToken is the shortest metrics token taken: nothing slows guesses at it.
const minMetricsToken = 16

// validateMetrics checks where metrics are served: apart, by token on the site, or nowhere.
func (c *serveConfig) validateMetrics() error {
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr (PARLEY_METRICS_ADDR) %q: want host:port, e.g. 127.0.0.1:9090", c.MetricsAddr)
		}
		if c.MetricsToken != "" {
			return errors.New("--metrics-token (PARLEY_METRICS_TOKEN) is for serving metrics on --addr; with --metrics-addr they are served only there, so set one or the other")
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < minMetricsToken {
		return fmt.Errorf("--metrics-token (PARLEY_METRICS_TOKEN): use at least %d characters, e.g. from openssl rand -hex 16", minMetricsToken)
	}
	return nil
}

// validateSMTP reads the SMTP server and the sender's address, which come together.
func (c *serveConfig) validateSMTP() error {
	if c.SMTPURL == "" {
		if c.SMTPFrom != "" {
			return errors.New("--smtp-from (PARLEY_SMTP_FROM) is the address of the email --smtp-url (PARLEY_SMTP_URL) sends: set that too, or neither")
		}
		return nil
	}
	var err error
	if c.smtp, err = email.ParseURL(c.SMTPURL); err != nil {
		shown := c.SMTPURL
		if u, perr := url.Parse(c.SMTPURL); perr == nil {
			shown = u.Redacted()
		}
		return fmt.Errorf("--smtp-url (PARLEY_SMTP_URL) %q: %v", shown, err)
	}
	if c.SMTPFrom == "" {
		return errors.New("--smtp-from (PARLEY_SMTP_FROM): set the address email comes from, e.g. 'Parley <forum@example.com>'")
	}
	if c.from, err = mail.ParseAddress(c.SMTPFrom); err != nil {
		return fmt.Errorf("--smtp-from (PARLEY_SMTP_FROM) %q: want an address such as forum@example.com or 'Parley <forum@example.com>'", c.SMTPFrom)
	}
	return nil
}

// validateBlobs settles where files live: in the database when there is a PostgreSQL one,
// so that every node serves every file, else in the data folder.
func (c *serveConfig) validateBlobs() error {
	if c.Blobs == "" {
		c.Blobs = "folder"
		if c.DatabaseURL != "" {
			c.Blobs = "database"
		}
	}
	switch c.Blobs {
	case "folder":
		return nil
	case "database":
		if c.DatabaseURL == "" {
			return errors.New("--blobs (PARLEY_BLOBS) database: needs a PostgreSQL --database-url; on SQLite files live in the folder")
		}
		if c.MaxAttachmentSize > postgres.MaxBlobSize {
			return fmt.Errorf("--max-attachment-size (PARLEY_MAX_ATTACHMENT_SIZE) %s: at most %s while files live in the database (--blobs database)",
				formatSize(c.MaxAttachmentSize), formatSize(postgres.MaxBlobSize))
		}
		return nil
	}
	return fmt.Errorf("--blobs (PARLEY_BLOBS) %q: use database or folder", c.Blobs)
}

// version is the module version the binary was built from, with its commit when known.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v + " " + info.GoVersion
}
