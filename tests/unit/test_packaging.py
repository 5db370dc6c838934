"""`pip install .` (and tox, nox, IDEs, pip-based images) build a wheel of the service alone: the
`api` package with its data and migrations, without the benchmarks or the tests, and it runs
from where it is installed, not only from the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_the_api_package_alone_and_runs_installed(tmp_path: Path) -> None:
    built = subprocess.run(
        [str(ROOT / "scripts" / "uv.sh"), "build", "--wheel", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.endswith(".dist-info/RECORD")}
    assert {n for n in top_level if not n.endswith(".dist-info")} == {"api"}
    for needed in (
        "api/persistence/data/ecuador_dpa.json",
        "api/domain/data/common_passwords.txt",
        "api/persistence/migrations/env.py",
        "api/persistence/migrations/versions/0001_initial.py",
        "api/static/graphiql/vendor/assets.json",
        "api/static/graphiql/vendor/graphiql@3.8.3/graphiql.min.js",
        "api/static/graphiql/start.js",
    ):
        assert needed in names, needed
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    schema = subprocess.run(
        [sys.executable, "-m", "api", "export-schema"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert schema.returncode == 0, schema.stderr
    assert schema.stdout == (ROOT / "schema.graphql").read_text()
