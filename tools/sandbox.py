"""The grading kernel: an ipykernel with resource limits, confined by bubblewrap unless told otherwise.

``tools/autograde.py`` writes a kernelspec (``write_kernelspec``) whose ``argv`` runs

    python tools/sandbox.py launch --mode sandbox|unconfined -f CONNECTION_FILE [kernel args]

and every notebook is executed in it (``c.Execute.kernel_name`` in nbgrader_config.py).

Both modes set resource limits on the kernel (``tools.grading.settings.GradingSettings``, passed
as environment variables by autograde.py): ``CS_KERNEL_MEMORY_MB`` (RLIMIT_DATA: heap and
anonymous mappings; a NumPy or torch allocation over it raises MemoryError), ``CS_KERNEL_CPU_S``
(RLIMIT_CPU: the kernel is killed, nbgrader records a dead kernel), ``CS_KERNEL_FILE_MB``
(RLIMIT_FSIZE) and ``CS_KERNEL_NPROC`` (RLIMIT_NPROC, counted per user, so it is only set where
the kernel has a user of its own). The kernel's pid is written to ``CS_KERNEL_PIDS`` so the grader
can kill it when a student's time is up.

``sandbox`` mode runs the kernel under bubblewrap:

* as a system user of its own when the grader is root: ``cs-grader-<slot>`` for worker slot
  ``CS_SANDBOX_SLOT`` (set by tools/autograde.py, which holds the slot through ``SlotPool``), so
  that the process limit, which Linux counts per user, is not shared with the kernels of other
  workers, or the shared ``cs-grader`` where the
  slot's user does not exist (``.ci/install-bubblewrap.sh`` creates them all); otherwise as the
  grader inside a user namespace;
* with every namespace unshared: no network (the kernel talks to nbgrader over IPC sockets, under
  an absolute path that is bound into the sandbox), its own PIDs, IPC and hostname;
* on an empty root that holds only read-only binds of the system (``/usr``, ``/etc``, ...), the
  Python installation and virtual environment, and ``cs_utils``; nothing else of the course
  (``solutions/``, the gradebook, ``submitted/``, other students' ``autograded/`` folders,
  ``notebook_src/``, ``.git``) and no exchange, ``/home``, ``/root``, ``/run`` or host ``/tmp``;
* with one writable folder: the student's working copy (``autograded/<student>/<assignment>``),
  plus a private ``/tmp`` (``HOME`` and ``TMPDIR`` point there), which holds, read-only, the
  grader's matplotlib font list (``build_font_list``);
* a fresh ``/proc`` and a minimal ``/dev``, a cleared environment, no capabilities, and
  ``--die-with-parent``.

Pitfalls handled: ipykernel polls its parent pid and exits when it looks like 1, which it is in a
PID namespace, so ``JPY_PARENT_PID`` is not passed in; interrupts use message mode (a signal would
reach bwrap, not the kernel); the connection file and the IPC sockets live in one private folder
bound at the same absolute path, owned by the kernel's user.
"""

from __future__ import annotations

import argparse
import ctypes  # imported before the change of user: the Python tree may be unreadable to it
import json
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
from pathlib import Path

from tools.course import ROOT
from tools.grading.settings import GradingSettings

SANDBOX_USER = "cs-grader"      # shared by every worker: the fallback
SLOT_USER = "cs-grader-{}"      # one per worker slot (CS_SANDBOX_SLOT)
KERNEL_NAME = "cs-grading"
# Read-only system folders bound into the sandbox when they exist.
SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"]
# The kernel's home and matplotlib's configuration folder inside it, in the sandbox's private /tmp.
SANDBOX_HOME = "/tmp/home"
MPL_CONFIG = f"{SANDBOX_HOME}/.matplotlib"
# Environment passed into the sandbox (everything else is cleared).
PASS_ENV = ("CS_QUICK", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "LANG", "LC_ALL", "NBGRADER_EXECUTION", "PYTHONHASHSEED", "MPLBACKEND")


def bwrap_path() -> str | None:
    return shutil.which(GradingSettings.from_env().bwrap)


def sandbox_user(slot: str | None = None) -> pwd.struct_passwd | None:
    """The kernel's own user, only when the grader is root: the worker slot's user if it exists
    (``slot`` or ``CS_SANDBOX_SLOT``), else the shared one if that exists."""
    if os.geteuid() != 0:
        return None
    slot = GradingSettings.from_env().sandbox_slot if slot is None else slot
    for name in ([SLOT_USER.format(slot)] if slot else []) + [SANDBOX_USER]:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


def slot_user_count() -> int:
    """How many slot users (cs-grader-0, cs-grader-1, ...) exist; 0 unless the grader is root."""
    count = 0
    while os.geteuid() == 0:
        try:
            pwd.getpwnam(SLOT_USER.format(count))
        except KeyError:
            break
        count += 1
    return count


class SlotPool:
    """Slot users for the grading workers, each held through a lock file, so that no two workers on
    this machine share one, even from different grading runs (two courses, or the test suite's
    parallel runs): a submission that fills its process limit must not stop another worker's
    kernels. When every slot user is taken (or none exists), a worker gets the shared user."""

    def __init__(self, lock_dir: Path | None = None, users: int | None = None):
        self.users = slot_user_count() if users is None else users
        # Per grader user: the slot users matter for root's runs, which all share one folder.
        self.lock_dir = lock_dir or Path("/tmp") / f"cs-grader-slots-{os.geteuid()}"
        self.lock_dir.mkdir(mode=0o700, exist_ok=True)

    def acquire(self):
        """(slot, lock handle): a free slot user's number, held until release, or ("", None) for
        the shared user (CS_SANDBOX_SLOT="" selects it)."""
        import fcntl

        for slot in range(self.users):
            handle = open(self.lock_dir / f"{slot}.lock", "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return str(slot), handle
            except BlockingIOError:
                handle.close()
        return "", None

    @staticmethod
    def release(handle) -> None:
        if handle is not None:
            handle.close()  # closing the file releases its lock


def sandbox_problem() -> str | None:
    """Why sandboxed grading cannot run here, or None when it can (checked by really starting bwrap)."""
    bwrap = bwrap_path()
    if bwrap is None:
        return ("bubblewrap (bwrap) is not installed; run .ci/install-bubblewrap.sh "
                "or apt-get install bubblewrap")
    if os.geteuid() == 0 and sandbox_user() is None:
        return f"grading as root needs the unprivileged user {SANDBOX_USER!r}; run .ci/install-bubblewrap.sh"
    cmd = [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--proc", "/proc",
           "--dev", "/dev", "true"]
    user = sandbox_user()
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                                preexec_fn=(lambda: _drop_to(user)) if user else None)
    except (OSError, subprocess.SubprocessError) as err:
        return f"bubblewrap failed to start: {err}"
    if result.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {result.stderr.strip()}"
    return None


def _drop_to(user: pwd.struct_passwd) -> None:
    os.setgroups([])
    os.setresgid(user.pw_gid, user.pw_gid, user.pw_gid)
    os.setresuid(user.pw_uid, user.pw_uid, user.pw_uid)


def write_kernelspec(jupyter_dir: Path, mode: str) -> str:
    """Write the grading kernelspec under ``jupyter_dir/kernels`` (put that dir on JUPYTER_PATH)."""
    spec_dir = jupyter_dir / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, str(Path(__file__).resolve()), "launch", "--mode", mode,
                 "-f", "{connection_file}"],
        "display_name": f"Python 3 (grading, {mode})",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }
    # Atomically: another grading run (a shard on this machine) may be starting kernels from it.
    tmp = spec_dir / f"kernel.json.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(spec, indent=1))
    os.replace(tmp, spec_dir / "kernel.json")
    return KERNEL_NAME


def set_limits(own_user: bool, settings: GradingSettings | None = None) -> None:
    settings = settings or GradingSettings.from_env()

    def limit(kind: int, value: int) -> None:
        if value > 0:
            _, hard = resource.getrlimit(kind)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(kind, (value, value))

    limit(resource.RLIMIT_DATA, settings.kernel_memory_mb << 20)
    limit(resource.RLIMIT_CPU, settings.kernel_cpu_s)
    limit(resource.RLIMIT_FSIZE, settings.kernel_file_mb << 20)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if own_user:  # RLIMIT_NPROC counts every process of the user: only meaningful for a user of its own
        limit(resource.RLIMIT_NPROC, settings.kernel_nproc)


def die_with_parent() -> None:
    """SIGKILL this process when the grader that started it dies (kept across exec)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def record_pid() -> None:
    pid_dir = GradingSettings.from_env().kernel_pids
    if pid_dir:
        try:
            Path(pid_dir, str(os.getpid())).touch()
        except OSError:
            pass


def build_font_list(work: Path) -> str:
    """matplotlib's font list, built once in ``work`` for the installed matplotlib, for every
    sandboxed kernel to read: each would otherwise spend a fraction of a second of every notebook
    building it in its private /tmp. Answers its path, or "" when matplotlib could not build one."""
    from importlib import metadata

    try:
        folder = Path(work) / f"matplotlib-{metadata.version('matplotlib')}"
    except metadata.PackageNotFoundError:
        return ""
    if not list(folder.glob("fontlist-v*.json")):
        folder.mkdir(parents=True, exist_ok=True)
        # HOME too: fonts of the grader's own home would be listed, and missing in the sandbox.
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True,
                       env=dict(os.environ, MPLCONFIGDIR=str(folder), HOME=str(folder)), timeout=300,
                       check=False)
    found = sorted(folder.glob("fontlist-v*.json"))
    return str(found[-1]) if found else ""


def _with_parents(option: str, src: str, dest: str, made: set[str]) -> list[str]:
    """``option src dest``, preceded by ``--dir`` for each missing parent: bubblewrap would make
    them mode 0700 owned by root, which the kernel's user could not traverse."""
    args = []
    for parent in reversed(Path(dest).parents):
        p = str(parent)
        if p != "/" and p not in made:
            made.add(p)
            args += ["--perms", "0755", "--dir", p]
    made.add(dest)
    return args + [option, src, dest]


def bwrap_command(connection_file: Path, workdir: Path, kernel_args: list[str], user) -> list[str]:
    runtime = connection_file.parent
    cmd = [bwrap_path(), "--die-with-parent", "--new-session", "--hostname", "grading", "--clearenv"]
    if user is None:  # unprivileged bubblewrap: a user namespace, in which the grader is mapped
        cmd += ["--unshare-all", "--uid", str(os.getuid()), "--gid", str(os.getgid())]
    else:  # bubblewrap as root: every namespace but the user's; the kernel then drops to its own user
        cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    made = {"/tmp", "/run", "/proc", "/dev"}
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            cmd += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            cmd += ["--ro-bind", d, d]
    # The private /tmp and /run first: binds made later may lie under them (a checkout in /tmp),
    # where a tmpfs mounted afterwards would hide them.
    cmd += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--tmpfs", "/run",
            "--perms", "0777", "--dir", SANDBOX_HOME]
    # The Python installation, the virtual environment and cs_utils, read-only at their own paths.
    python_dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                   str(Path(sys.executable).resolve().parents[1]), str(ROOT / "cs_utils")}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        python_dirs.add(sysconfig.get_paths()[name])
    settings = GradingSettings.from_env()
    python_dirs.update(settings.sandbox_ro)
    kept: list[str] = []
    for d in sorted(python_dirs, key=len):
        inside = any(d == k or d.startswith(k.rstrip("/") + "/") for k in [*SYSTEM_DIRS, *kept])
        if os.path.isdir(d) and not inside:
            kept.append(d)
            cmd += _with_parents("--ro-bind", d, d, made)
    # The grader's font list, read-only, in a configuration folder the kernel may write: matplotlib
    # warns on stderr (which costs a test cell its points) when that folder is not writable.
    if settings.font_list and os.path.isfile(settings.font_list):
        cmd += ["--perms", "0777", "--dir", MPL_CONFIG,
                "--ro-bind", settings.font_list, f"{MPL_CONFIG}/{Path(settings.font_list).name}"]
    cmd += _with_parents("--bind", str(runtime), str(runtime), made)
    cmd += _with_parents("--bind", str(workdir), str(workdir), made) + ["--chdir", str(workdir)]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": SANDBOX_HOME,
           "TMPDIR": "/tmp", "MPLCONFIGDIR": MPL_CONFIG, "PYTHONDONTWRITEBYTECODE": "1",
           "JUPYTER_RUNTIME_DIR": str(runtime)}
    env.update({k: os.environ[k] for k in PASS_ENV if k in os.environ})
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file), *kernel_args]
    if user is not None:
        # The mounts need root (the Python tree may sit under /root); the kernel does not.
        kernel = [shutil.which("setpriv") or "/usr/bin/setpriv",
                  f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                  "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", *kernel]
    return cmd + ["--", *kernel]


def launch(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="sandbox.py launch")
    parser.add_argument("--mode", choices=["sandbox", "unconfined"], required=True)
    parser.add_argument("-f", dest="connection_file", required=True)
    args, kernel_args = parser.parse_known_args(argv)
    connection_file = Path(args.connection_file).resolve()
    record_pid()
    if args.mode == "unconfined":
        set_limits(own_user=False)
        die_with_parent()
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
                                  *kernel_args])
    user = sandbox_user()
    workdir = Path.cwd().resolve()
    # The sockets (and so the connection file) must live in a private folder made for this worker
    # (autograde.py's csg-* folder): it is bound writable into the sandbox and given to the kernel.
    info = json.loads(connection_file.read_text())
    runtime = Path(info.get("ip", "")).parent
    if info.get("transport") != "ipc" or not runtime.is_absolute() or not runtime.name.startswith("csg-"):
        sys.exit("sandbox.py: the sandboxed kernel needs IPC transport under a private csg-* folder "
                 "(CS_KERNEL_IPC, set by tools/autograde.py)")
    course = Path(GradingSettings.from_env().course_root or "/nonexistent").resolve()
    if workdir.parent.parent != course / "autograded":
        sys.exit("sandbox.py: the kernel must start in COURSE/autograded/<student>/<assignment>, "
                 f"not {workdir}")
    if connection_file.parent != runtime:
        copy = runtime / connection_file.name
        shutil.copy(connection_file, copy)
        connection_file = copy
    if user is not None:
        # The kernel's user must write its working folder and bind its sockets next to the
        # connection file; nothing else of the course is visible to it.
        for path in [runtime, *runtime.iterdir(), workdir, *workdir.rglob("*")]:
            try:
                os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
            except OSError:
                pass
    cmd = bwrap_command(connection_file, workdir, kernel_args, user)
    set_limits(own_user=user is not None)
    die_with_parent()
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "launch":
        launch(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "check":
        problem = sandbox_problem()
        print(problem or "bubblewrap sandbox: available")
        sys.exit(1 if problem else 0)
    else:
        print(__doc__)
