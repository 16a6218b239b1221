#!/usr/bin/env python3
"""A reverse proxy that counts the requests it forwards (bench/mirror.sh).

usage: counting-proxy.py LISTEN_PORT UPSTREAM_URL

Sits in front of the upstream registry so that Portcullis' mirror and skopeo sync are counted the
same way, whatever each reports about itself. Counts are per method and kind (tags, manifest, blob,
other), read with GET /_counts (JSON) and zeroed with POST /_counts/reset; those two paths are not
forwarded. Bodies stream through in 64 KiB pieces; HTTP/1.1 keep-alive on both sides.
"""
import http.client, json, re, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PORT = int(sys.argv[1]); UP = urlsplit(sys.argv[2])
LOCK = threading.Lock(); COUNTS = {}
HOP = {'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'}
local = threading.local()

def kind(path):
  path = path.split('?', 1)[0]
  if re.search(r'/tags/list$', path): return 'tags'
  if '/manifests/' in path: return 'manifest'
  if '/blobs/' in path: return 'blob'
  return 'other'

class Handler(BaseHTTPRequestHandler):
  protocol_version = 'HTTP/1.1'
  def log_message(self, *a): pass

  def answer(self, code, body):
    data = json.dumps(body, sort_keys=True).encode()
    self.send_response(code); self.send_header('Content-Type', 'application/json')
    self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)

  def forward(self):
    if self.path == '/_counts' and self.command == 'GET':
      with LOCK: c = dict(COUNTS)
      c['total'] = sum(c.values()); return self.answer(200, c)
    if self.path == '/_counts/reset' and self.command == 'POST':
      with LOCK: COUNTS.clear()
      return self.answer(200, {})
    with LOCK:
      key = f'{self.command} {kind(self.path)}'; COUNTS[key] = COUNTS.get(key, 0) + 1
    length = int(self.headers.get('Content-Length') or 0)
    body = self.rfile.read(length) if length else None
    headers = {}  # repeated fields (skopeo sends one Accept per media type) are joined, not dropped
    for k, v in self.headers.items():
      if k.lower() not in HOP and k.lower() != 'host':
        headers[k] = f'{headers[k]}, {v}' if k in headers else v
    headers['Host'] = UP.netloc
    for attempt in (0, 1):  # a kept-alive upstream connection may have been closed meanwhile
      conn = getattr(local, 'conn', None) or http.client.HTTPConnection(UP.hostname, UP.port or 80, timeout=120)
      local.conn = conn
      try:
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse(); break
      except (http.client.HTTPException, ConnectionError):
        conn.close(); local.conn = None
        if attempt: raise
    self.send_response_only(resp.status, resp.reason)
    for k, v in resp.getheaders():
      if k.lower() not in HOP: self.send_header(k, v)
    chunked = resp.getheader('Content-Length') is None and self.command != 'HEAD' and resp.status not in (204, 304)
    if chunked: self.send_header('Transfer-Encoding', 'chunked')
    self.end_headers()
    while self.command != 'HEAD':
      piece = resp.read(65536)
      if not piece: break
      self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece) if chunked else piece)
    if chunked: self.wfile.write(b'0\r\n\r\n')
    resp.close()

  do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(('127.0.0.1', PORT), Handler).serve_forever()
