"""A real WordPress (Debian 12's ``wordpress`` package) running on 127.0.0.1, for embed tests.

What runs, all of it under ``workdir`` and as the current user:

- a private MariaDB: its own data folder, a unix socket only (``--skip-networking``);
- ``php -S 127.0.0.1:<free port>`` with a router script, on a tree of symlinks into
  ``/usr/share/wordpress`` that has its own ``wp-config.php`` and ``wp-content`` (so nothing is
  written to ``/etc/wordpress`` or ``/var/lib/wordpress``);
- a must-use plugin that lets WordPress fetch ``allowed_origin`` (one scheme/host/port) and refuses
  every other outgoing HTTP request before any DNS look-up, logs every request to
  ``workdir/requests.jsonl``, and turns mail off.

The Debian packages must be installed once by an admin (``packages()`` lists them); everything else
runs as an ordinary user::

    sudo apt-get install -y --no-install-recommends wordpress wordpress-theme-twentytwentythree \\
        mariadb-server-core php-cli php-mysql

Usage::

    with WordPress(tmp_path / "wp", "http://127.0.0.1:8810") as wp:
        post = wp.publish("Title", "http://127.0.0.1:8810/page/")
        ...  # fetch post, look at wp.requests_log()
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

WORDPRESS = Path("/usr/share/wordpress")
THEMES = WORDPRESS / "wp-content" / "themes"
DEFAULT_THEME = "twentytwentythree"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "embed-test-password"
DB_NAME, DB_USER, DB_PASSWORD = "wordpress", "wordpress", "wordpress"
START_TIMEOUT = 60  # seconds for MariaDB or PHP to come up
HTTP_TIMEOUT = 60  # seconds for one request to WordPress (install takes a few)


def packages() -> list[str]:
    """Debian 12 packages needed (with ``apt-get install --no-install-recommends``).

    ``mariadb-server-core`` brings ``mariadbd`` and ``mariadb-install-db`` without a system service;
    ``wordpress`` itself pulls in apache2 and a mysql client, which this module does not use.
    """
    return ["wordpress", f"wordpress-theme-{DEFAULT_THEME}", "mariadb-server-core", "php-cli", "php-mysql"]


def apt_command() -> str:
    """The install line to show a person or put in CI."""
    return "apt-get install -y --no-install-recommends " + " ".join(packages())


def _mariadbd() -> str | None:
    return shutil.which("mariadbd", path="/usr/sbin:/usr/bin") or shutil.which("mysqld", path="/usr/sbin:/usr/bin")


def available() -> str | None:
    """None when WordPress can run here, else why not (and how to fix it)."""
    missing = []
    for name in ("php", "mariadb-install-db"):
        if not shutil.which(name):
            missing.append(name)
    if not _mariadbd():
        missing.append("mariadbd")
    if not (WORDPRESS / "wp-settings.php").is_file():
        missing.append(str(WORDPRESS))
    if not any(THEMES.glob("*/theme.json")):
        missing.append(f"a block theme in {THEMES}")
    if not missing:
        try:
            modules = _run(["php", "-m"], "php -m", timeout=30).split()
        except WordPressError as exc:
            return str(exc)
        if "mysqli" not in modules:
            missing.append("PHP's mysqli extension")
    if missing:
        return f"missing {', '.join(missing)}; install (as root, once): {apt_command()}"
    return None


class WordPressError(RuntimeError):
    """Something in starting or driving WordPress failed; the message says what, with log tails."""


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no {path.name})"
    return f"--- last lines of {path} ---\n" + "\n".join(text.splitlines()[-lines:])


def _run(cmd: list[str], what: str, timeout: float, **kwargs) -> str:
    """Run a command to completion within ``timeout``; raise WordPressError with its output if it fails."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as exc:
        raise WordPressError(f"{what}: no result after {timeout} s\n{exc.stdout or ''}{exc.stderr or ''}") from None
    if done.returncode:
        raise WordPressError(f"{what}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _php(value: str) -> str:
    """A PHP single-quoted string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an origin such as ``http://127.0.0.1:8810``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"allowed_origin must be an http(s) origin, not {url!r}")
    return parts.scheme, parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80)


ROUTER = """<?php
// php -S router: run WordPress's PHP entry points with our ABSPATH, let the server send other files.
define('ABSPATH', {abspath});
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if (strpos($path, '..') !== false) {{ http_response_code(400); return true; }}
$file = ABSPATH . ltrim($path, '/');
if (is_dir($file)) {{ $file = rtrim($file, '/') . '/index.php'; $path = rtrim($path, '/') . '/index.php'; }}
if (is_file($file) && substr($file, -4) !== '.php') {{ return false; }}
if (!is_file($file)) {{ $file = ABSPATH . 'index.php'; $path = '/index.php'; }}
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;
$_SERVER['SCRIPT_FILENAME'] = $file;
chdir(dirname($file));
require $file;
return true;
"""

WP_CONFIG = """<?php
// Written by tests/wordpress_site.py: a private WordPress for embed tests.
define('DB_NAME', {db_name});
define('DB_USER', {db_user});
define('DB_PASSWORD', {db_password});
define('DB_HOST', {db_host});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
          'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $key) {{
    define($key, 'embed-test-' . $key);
}}
define('WP_HOME', {url});
define('WP_SITEURL', {url});
define('WP_CONTENT_DIR', {content});
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('CONCATENATE_SCRIPTS', false);
define('WP_DEBUG', false);
require_once ABSPATH . 'wp-settings.php';
"""

MU_PLUGIN = """<?php
/*
 * Plugin Name: Embed test guard (tests/wordpress_site.py)
 * Lets WordPress fetch one origin, {origin}; refuses every other request before DNS;
 * logs every request as one JSON line; turns mail off.
 */
const EMBED_TEST_LOG = {log};
const EMBED_TEST_SCHEME = {scheme};
const EMBED_TEST_HOST = {host};
const EMBED_TEST_PORT = {port};

function embed_test_allowed($url) {{
    $p = parse_url($url);
    if (!is_array($p) || !isset($p['scheme'], $p['host'])) return false;
    $scheme = strtolower($p['scheme']);
    $port = isset($p['port']) ? (int) $p['port'] : ($scheme === 'https' ? 443 : 80);
    return $scheme === EMBED_TEST_SCHEME && strtolower($p['host']) === EMBED_TEST_HOST
        && $port === EMBED_TEST_PORT;
}}

function embed_test_log($url, $method, $allowed, $result) {{
    $line = json_encode(['time' => microtime(true), 'method' => $method, 'url' => $url,
                         'allowed' => $allowed, 'result' => $result]);
    file_put_contents(EMBED_TEST_LOG, $line . "\\n", FILE_APPEND | LOCK_EX);
}}

// Refuse before WordPress validates the URL or resolves a name.
add_filter('pre_http_request', function ($pre, $args, $url) {{
    if ($pre !== false || embed_test_allowed($url)) return $pre;
    embed_test_log($url, $args['method'], false, 'refused');
    return new WP_Error('http_request_failed', 'embed test: requests to this host are refused');
}}, 1, 3);

// A redirect to another host is followed inside Requests, past pre_http_request: stop it there.
// (WordPress's own redirect check runs first and may resolve a host name; our test sites do not
// redirect off their origin.)
add_action('requests-requests.before_redirect', function ($location) {{
    if (!embed_test_allowed($location)) {{
        embed_test_log($location, 'GET', false, 'refused redirect');
        throw new Requests_Exception('embed test: redirect to this host refused', 'embed_test');
    }}
}});

// Each allowed request ends here, with its response or its error.
add_action('http_api_debug', function ($response, $context, $class, $args, $url) {{
    if (!embed_test_allowed($url)) return;
    $result = is_wp_error($response) ? 'error: ' . $response->get_error_message()
        : wp_remote_retrieve_response_code($response) . ' (' . strlen(wp_remote_retrieve_body($response)) . ' bytes)';
    embed_test_log($url, $args['method'], true, $result);
}}, 10, 5);

// WordPress allows only ports 80, 443, 8080 and its own; add the test site's, for that host only.
add_filter('http_allowed_safe_ports', function ($ports, $host, $url) {{
    if (embed_test_allowed($url)) $ports[] = EMBED_TEST_PORT;
    return $ports;
}}, 10, 3);

add_filter('http_request_host_is_external', function ($external, $host, $url) {{
    return $external || embed_test_allowed($url);
}}, 10, 3);

add_filter('pre_wp_mail', '__return_false');
"""

BOOT = """<?php
// Load WordPress from the command line with our ABSPATH, as user 1 (the admin).
define('ABSPATH', {abspath});
$_SERVER['HTTP_HOST'] = {host};
require ABSPATH . 'wp-load.php';
wp_set_current_user(1);
$input = json_decode(stream_get_contents(STDIN), true);
"""

PUBLISH = BOOT + """
$id = wp_insert_post(wp_slash(['post_title' => $input['title'], 'post_content' => $input['content'],
                               'post_status' => 'publish', 'post_author' => 1]), true);
if (is_wp_error($id)) {{ fwrite(STDERR, $id->get_error_message()); exit(1); }}
echo get_permalink($id);
"""

THEME = BOOT + """
$theme = wp_get_theme($input['preferred']);
if (!$theme->exists() || !$theme->is_block_theme()) {{
    $theme = null;
    foreach (wp_get_themes() as $candidate) {{ if ($candidate->is_block_theme()) {{ $theme = $candidate; break; }} }}
}}
if (!$theme) {{ fwrite(STDERR, 'no block theme in ' . get_theme_root()); exit(1); }}
switch_theme($theme->get_stylesheet());
echo get_stylesheet();
"""


class WordPress:
    """A private WordPress on 127.0.0.1 that may fetch only ``allowed_origin``.

    Starting it (in ``__init__``) creates ``workdir``'s MariaDB, WordPress tree and plugin, starts
    MariaDB and PHP, and installs WordPress; ``close()`` (or leaving the ``with`` block) stops both.
    ``workdir`` must be new or empty. ``setup_seconds`` is how long starting took. If the test
    process is killed (SIGKILL), PHP and MariaDB outlive it: they run in their own sessions.
    """

    def __init__(self, workdir: Path, allowed_origin: str):
        started = time.monotonic()
        self.workdir = Path(workdir).resolve()
        self.allowed_origin = allowed_origin
        self._origin = _origin(allowed_origin)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.root = self.workdir / "wordpress"  # document root and ABSPATH
        self.log = self.workdir / "requests.jsonl"
        self.db_log = self.workdir / "mariadb.log"
        self.php_log = self.workdir / "php-server.log"
        self.theme = ""
        self._procs: list[tuple[str, subprocess.Popen]] = []
        self._socket_dir: Path | None = None
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_mariadb()
            self._write_wordpress()
            self._start_php()
            self._install()
        except BaseException:
            self.close()
            raise
        self.setup_seconds = time.monotonic() - started

    # --- MariaDB -------------------------------------------------------------------------------

    def _start_mariadb(self) -> None:
        """Create a data folder, then run mariadbd on it with a unix socket only."""
        datadir = self.workdir / "mariadb"
        self.socket = self.workdir / "mariadb.sock"
        if len(str(self.socket)) > 100:  # a unix socket path has at most 107 bytes
            self._socket_dir = Path(tempfile.mkdtemp(prefix="wp-db-"))
            self.socket = self._socket_dir / "mariadb.sock"
        user = getpass.getuser()
        # MariaDB's temporary tables go to a folder of its own, not the
        # machine's /tmp: a fresh-clone CI run of 2026-12-02 saw the bootstrap
        # fail with "Could not remove temporary table: '/tmp/#sql-temptable-…',
        # error: 2" then "Unknown table 'mysql.tmp_user_sys'".
        tmpdir = self.workdir / "mariadb-tmp"
        tmpdir.mkdir(exist_ok=True)
        # Debian's mariadbd has also crashed once here while creating the
        # system tables (signal 11 in ha_maria::drop_table, another CI run of
        # that day): a failed bootstrap, not anything under test, gets one more
        # try on an empty folder; a second failure is reported as it is.
        for attempt in (1, 2):
            try:
                _run(["mariadb-install-db", "--no-defaults", f"--datadir={datadir}", f"--user={user}",
                      "--auth-root-authentication-method=socket", "--skip-test-db", f"--tmpdir={tmpdir}"],
                     "mariadb-install-db", timeout=120)
                break
            except WordPressError as error:
                bootstrap_failed = "Segmentation fault" in str(error) or "Installation of system tables failed" in str(error)
                if attempt == 2 or not bootstrap_failed:
                    raise
                shutil.rmtree(datadir, ignore_errors=True)
        init = self.workdir / "mariadb-init.sql"
        init.write_text(
            f"CREATE DATABASE IF NOT EXISTS {DB_NAME} CHARACTER SET utf8mb4;\n"
            f"CREATE USER IF NOT EXISTS '{DB_USER}'@'localhost' IDENTIFIED BY '{DB_PASSWORD}';\n"
            f"GRANT ALL ON {DB_NAME}.* TO '{DB_USER}'@'localhost';\n"
        )
        self._spawn("MariaDB", [
            _mariadbd(), "--no-defaults", f"--datadir={datadir}", f"--socket={self.socket}",
            f"--pid-file={self.workdir / 'mariadb.pid'}", "--skip-networking", f"--user={user}",
            f"--init-file={init}", f"--log-error={self.db_log}", "--innodb-buffer-pool-size=32M", f"--tmpdir={tmpdir}",
            "--skip-name-resolve",
        ], self.db_log)
        self._wait("MariaDB", self.db_log, self._db_ready)

    def _db_ready(self) -> bool:
        """True once the socket answers with a server greeting."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2)
                sock.connect(str(self.socket))
                return len(sock.recv(64)) > 0
        except OSError:
            return False

    # --- WordPress files ---------------------------------------------------------------------------

    def _write_wordpress(self) -> None:
        """A symlink tree of /usr/share/wordpress with our own wp-config.php, wp-content and plugin."""
        self.root.mkdir()
        for entry in WORDPRESS.iterdir():
            if entry.name not in ("wp-config.php", "wp-content", ".htaccess"):
                (self.root / entry.name).symlink_to(entry)
        content = self.root / "wp-content"
        for sub in ("themes", "plugins", "mu-plugins", "uploads", "upgrade"):
            (content / sub).mkdir(parents=True)
        for theme in THEMES.iterdir():
            (content / "themes" / theme.name).symlink_to(theme)
        abspath = _php(f"{self.root}/")
        (self.root / "wp-config.php").write_text(WP_CONFIG.format(
            db_name=_php(DB_NAME), db_user=_php(DB_USER), db_password=_php(DB_PASSWORD),
            db_host=_php(f"localhost:{self.socket}"), url=_php(self.url.rstrip("/")), content=_php(str(content)),
        ))
        scheme, host, port = self._origin
        (content / "mu-plugins" / "embed-test-guard.php").write_text(MU_PLUGIN.format(
            origin=f"{scheme}://{host}:{port}", log=_php(str(self.log)), scheme=_php(scheme), host=_php(host), port=port,
        ))
        self.router = self.workdir / "router.php"
        self.router.write_text(ROUTER.format(abspath=abspath))
        host = _php(f"127.0.0.1:{self.port}")
        (self.workdir / "publish.php").write_text(PUBLISH.format(abspath=abspath, host=host))
        (self.workdir / "theme.php").write_text(THEME.format(abspath=abspath, host=host))
        self.log.touch()

    # --- PHP server and install --------------------------------------------------------------------

    def _start_php(self) -> None:
        """php -S on 127.0.0.1 with the router; PHP errors go to its log."""
        self._spawn("PHP", ["php", "-d", "display_errors=stderr", "-d", "log_errors=0",
                            "-S", f"127.0.0.1:{self.port}", "-t", str(self.root), str(self.router)], self.php_log)
        self._wait("PHP", self.php_log, self._php_ready)

    def _php_ready(self) -> bool:
        """True once PHP says it listens (a bare connect could reach someone else on the port)."""
        return f"(http://127.0.0.1:{self.port}) started" in self.php_log.read_text(errors="replace")

    def _install(self) -> None:
        """POST the install form (step 2), check its answer, then activate the block theme."""
        form = urllib.parse.urlencode({
            "weblog_title": "Embed test", "user_name": ADMIN_USER, "admin_password": ADMIN_PASSWORD,
            "admin_password2": ADMIN_PASSWORD, "pw_weak": "1", "admin_email": "admin@example.invalid",
            "blog_public": "0", "language": "",
        }).encode()
        status, body = self.fetch("wp-admin/install.php?step=2", data=form)
        if status != 200 or "wp-login.php" not in body or "Success" not in body:
            raise WordPressError(f"WordPress install answered {status}:\n{body[-2000:]}\n{_tail(self.php_log)}")
        self.theme = self._php_script("theme.php", {"preferred": DEFAULT_THEME}, "activating the theme")

    # --- public API ------------------------------------------------------------------------------

    def fetch(self, path: str, data: bytes | None = None) -> tuple[int, str]:
        """GET (or POST ``data`` to) a path or URL of this WordPress; (status, body)."""
        url = urllib.parse.urljoin(self.url, path)
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=HTTP_TIMEOUT) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except OSError as exc:
            raise WordPressError(f"{url}: {exc}\n{_tail(self.php_log)}") from None

    def publish(self, title: str, content: str) -> str:
        """Publish a post as the admin; its public URL."""
        return self._php_script("publish.php", {"title": title, "content": content}, f"publishing {title!r}")

    def requests_log(self) -> list[dict]:
        """The outgoing HTTP requests WordPress made, in order: method, url, allowed, result, time.

        ``result`` is "refused" for a request the plugin stopped, else the status and size or the error.
        """
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def close(self) -> None:
        """Stop PHP and MariaDB (TERM, then KILL after 20 s); safe to call twice."""
        while self._procs:
            name, proc = self._procs.pop()
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        if self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def __enter__(self) -> WordPress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- helpers ---------------------------------------------------------------------------------

    def _php_script(self, script: str, payload: dict, what: str) -> str:
        """Run one of our PHP scripts with a JSON payload on stdin; its stdout."""
        out = _run(["php", "-d", "display_errors=stderr", str(self.workdir / script)], what,
                   timeout=HTTP_TIMEOUT, input=json.dumps(payload), cwd=self.workdir)
        return out.strip()

    def _spawn(self, name: str, cmd: list[str], log: Path) -> None:
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self._procs.append((name, proc))

    def _wait(self, name: str, log: Path, ready) -> None:
        """Wait up to START_TIMEOUT for ``ready()``; fail early if the process exits."""
        proc = next(p for n, p in self._procs if n == name)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if ready():
                return
            if proc.poll() is not None:
                raise WordPressError(f"{name} exited with {proc.returncode} while starting\n{_tail(log)}")
            time.sleep(0.1)
        raise WordPressError(f"{name} did not come up in {START_TIMEOUT} s\n{_tail(log)}")
