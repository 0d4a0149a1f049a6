"""The package as users install it: a wheel built from the sources, installed into a fresh
virtual environment, runs the shipped scenario library from outside the repository."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted(p.stem for p in (ROOT / "triangle" / "scenario" / "library").glob("*.toml"))


def _run(cmd, cwd, env=None, timeout=600):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin directory, build log) of a venv holding only the wheel; dependencies are those of
    the running interpreter, reached through a .pth file, so nothing is downloaded."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy, so that building leaves nothing in the repository
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "triangle", src / "triangle",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = _run([sys.executable, "-m", "pip", "wheel", src, "--no-deps", "-w", tmp / "dist"], cwd=tmp)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp / "dist").glob("strategic_triangle-*.whl"))
    env_dir = tmp / "venv"
    try:
        venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"cannot create a virtual environment here ({type(err).__name__}: {err})")
    py = env_dir / "bin" / "python"
    site = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp)
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    # The running pip installs into the new environment (no pip bootstrapped there).
    # --ignore-installed: the dependencies reached through the .pth hold the checkout's editable
    # install of the same version, which pip would otherwise take as already satisfied.
    inst = _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index",
                 "--ignore-installed",
                 wheel], cwd=tmp)
    assert inst.returncode == 0, inst.stdout + inst.stderr
    return env_dir / "bin", built.stdout + built.stderr


def _env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    return env


def test_the_build_raises_no_packaging_warning(installed):
    _, log = installed
    assert "deprecated" not in log.lower(), log


def test_the_wheel_runs_the_library_from_outside_the_repository(installed, tmp_path):
    bin_dir, _ = installed
    where = _run([bin_dir / "python", "-c", "import triangle; print(triangle.__file__)"],
                 cwd=tmp_path, env=_env())
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where.stdout  # not the checkout

    listed = _run([bin_dir / "triangle", "scenarios"], cwd=tmp_path, env=_env())
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == LIBRARY

    init = _run([bin_dir / "triangle", "init", "mine"], cwd=tmp_path, env=_env())
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "mine.toml").read_text() == (ROOT / "scenarios" / "template.toml").read_text()

    library = _run([bin_dir / "python", "-c", "import triangle; print(triangle.library_dir())"],
                   cwd=tmp_path, env=_env()).stdout.strip()
    file = Path(library) / "wedge_optimist_2025.toml"
    assert file.is_relative_to(bin_dir.parent)
    run = _run([bin_dir / "triangle", "run", file, "--solver", "batched", "--json"], cwd=tmp_path,
               env=_env())
    assert run.returncode == 0, run.stderr
    mine = _run([sys.executable, "-m", "triangle", "run", ROOT / "scenarios" / "wedge_optimist_2025.toml",
                 "--solver", "batched", "--json"], cwd=ROOT, env={**_env(), "PYTHONPATH": str(ROOT)})
    assert mine.returncode == 0, mine.stderr
    ours, theirs = json.loads(run.stdout), json.loads(mine.stdout)
    assert ours["verdict"] == theirs["verdict"] == "success"
    for key in ("margin", "p_schism", "payoffs", "thresholds", "explanation"):
        assert ours[key] == theirs[key], key
