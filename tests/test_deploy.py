"""The deployment files in docs/: nginx accepts the config, the systemd unit runs `rag serve`."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

NGINX_CONF = ROOT / "docs" / "nginx" / "guideqa.conf"
UNIT = ROOT / "docs" / "systemd" / "guideqa.service"


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        if os.environ.get("GUIDEQA_REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    return found


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    nginx = _nginx()
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a throwaway certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    # The config as shipped, with only the certificate paths pointed at the throwaway pair.
    conf = NGINX_CONF.read_text().replace("/etc/ssl/certs/guideqa.pem", str(cert)).replace(
        "/etc/ssl/private/guideqa.key", str(key))
    (tmp_path / "guideqa.conf").write_text(conf)
    temp = "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n" for kind in
                   ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n{temp}  include {tmp_path}/guideqa.conf;\n}}\n")
    r = subprocess.run([nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path),
                        "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "syntax is ok" in r.stderr and "test is successful" in r.stderr

    # A broken config is caught, so the check above can fail.
    (tmp_path / "guideqa.conf").write_text(conf.replace("proxy_pass http://guideqa;", "proxy_pass;", 1))
    bad = subprocess.run([nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path),
                          "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0


def test_systemd_unit_runs_a_replica() -> None:
    unit = configparser.ConfigParser(strict=True, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(UNIT.read_text())
    service = unit["Service"]
    assert service["ExecStart"].split()[0].endswith("/rag") and " serve " in service["ExecStart"]
    assert service["EnvironmentFile"] == "/etc/guideqa/env" and service["Restart"] == "on-failure"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
