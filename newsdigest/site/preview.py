"""The preview server of `invoke serve`: the built site on 127.0.0.1, on any port.

A preview build writes absolute addresses where they must be absolute (feeds, canonical
links, JSON-LD, the sitemap) with the preview address of the settings (`SITEURL`,
http://127.0.0.1:8000). Served on another port they would point to the wrong server, so
the preview server writes its own address in their place as it sends a page or a feed.
A path that is not there gets the theme's 404.html with the 404 status, as a web host
serves it.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
from pathlib import Path

TEXT_TYPES = {".html", ".xml", ".json", ".txt", ".js", ".css"}


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Python's file server, with the build's address rewritten and a real 404 page."""

    def __init__(self, *args, directory: str, site_url: str, **kwargs):
        self.site_url = site_url.rstrip("/").encode()
        super().__init__(*args, directory=directory, **kwargs)

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().do_GET()  # the redirect to the folder's address
            path = path / "index.html"
        if not path.is_file():
            return self._send(Path(self.directory) / "404.html", 404)
        if path.suffix in TEXT_TYPES:
            return self._send(path, 200)
        return super().do_GET()

    def _send(self, path: Path, status: int) -> None:
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        try:
            data = path.read_bytes().replace(self.site_url, f"http://{host}".encode())
        except OSError:
            self.send_error(status)
            return
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(posixpath.basename(str(path))))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def preview_server(output: Path, port: int, site_url: str) -> http.server.ThreadingHTTPServer:
    """A server of `output` on 127.0.0.1:`port` (0: any free port); call serve_forever()."""
    handler = functools.partial(PreviewHandler, directory=str(output), site_url=site_url)
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
