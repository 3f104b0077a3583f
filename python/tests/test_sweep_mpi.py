"""`tensim sweep --mpi` under `mpirun -np 4` (one machine, oversubscribed): the same CSV as the
one-process sweep, a rank killed mid-run has its point run again, and --resume keeps rows."""
import csv
import glob
import os
import shutil
import signal
import subprocess
import time

import pytest

EXE = os.environ.get("TENSIM_BIN", "")
MPIRUN = shutil.which("mpirun")
pytestmark = pytest.mark.skipif(not (EXE and MPIRUN), reason="needs TENSIM_BIN and mpirun")

AXES = ["--over", "worker_grid=1x1,2x1,2x2", "--over", "tensix.l1_size_kib=512,1464"]
# Slow enough (about a second a point) that a rank can be killed while it runs one.
COMMAND = ["matmul", "--m", "512", "--k", "512", "--n", "512", "--numerics", "timing"]


def mpirun(np_, args):
    return [MPIRUN, "-np", str(np_), "--oversubscribe", "--allow-run-as-root",
            "--enable-recovery", EXE, "sweep", "--mpi"] + args


def rows(path):
    """The CSV without the wall-time columns (the only ones that differ run to run)."""
    table = list(csv.reader(open(path)))
    keep = [i for i, c in enumerate(table[0]) if "wall" not in c]
    return [[r[i] for i in keep] for r in table]


@pytest.fixture(scope="module")
def reference_csv(tmp_path_factory):
    """The one-process sweep's CSV."""
    out = tmp_path_factory.mktemp("one") / "one.csv"
    subprocess.run([EXE, "sweep", *AXES, "-j", "2", "--out", str(out), "--", *COMMAND],
                   check=True, capture_output=True)
    return out


@pytest.fixture
def reference(reference_csv):
    return rows(reference_csv)


def test_mpi_sweep_writes_the_one_process_csv(tmp_path, reference):
    out = tmp_path / "mpi.csv"
    p = subprocess.run(mpirun(4, [*AXES, "--out", str(out), "--", *COMMAND]),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert rows(out) == reference
    assert not os.path.exists(str(out) + ".mpi"), "the work directory is removed after the merge"
    ranks = {line.split("]")[0] for line in p.stderr.splitlines() if line.startswith("[rank")}
    assert len(ranks) > 1, "points ran on more than one rank"


def test_a_killed_rank_has_its_point_run_again(tmp_path, reference):
    out = tmp_path / "mpi.csv"
    proc = subprocess.Popen(mpirun(4, [*AXES, "--out", str(out), "--", *COMMAND]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.time() + 120
    while killed is None and time.time() < deadline and proc.poll() is None:
        for claim in glob.glob(str(out) + ".mpi/*/claim.*"):
            parts = open(claim).read().split()
            index = claim.rsplit(".", 1)[1]
            if len(parts) == 3 and parts[2] == "1" and not os.path.exists(
                    os.path.join(os.path.dirname(claim), f"row.{index}.json")):
                os.kill(int(parts[1]), signal.SIGKILL)
                killed = parts[1]
                break
        time.sleep(0.05)
    _, err = proc.communicate(timeout=600)
    assert killed, "rank 1 never held a point"
    assert proc.returncode == 0, err
    assert "rank 1 (pid " + killed in err and "running it again" in err
    assert rows(out) == reference


def test_resume_keeps_the_rows_already_there(tmp_path, reference_csv, reference):
    out = tmp_path / "mpi.csv"
    # A file holding the first two points, as an interrupted sweep leaves it.
    with open(out, "w", newline="") as f:
        full = list(csv.reader(open(reference_csv)))
        csv.writer(f, lineterminator="\n").writerows(full[:3])
    p = subprocess.run(mpirun(2, [*AXES, "--resume", "--out", str(out), "--", *COMMAND]),
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "(2 kept)" in p.stderr
    assert p.stderr.count("] worker_grid=") == 4, "only the four missing points ran"
    # Rows read back from a CSV carry its column order, so a resumed file (here as in the
    # one-process sweep) may order the columns differently: compare cell by cell.
    def cells(table):
        return [dict(zip(table[0], r)) for r in table[1:]]
    assert cells(rows(out)) == cells(reference)

