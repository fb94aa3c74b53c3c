"""Device choice and the settings that keep torch's float32 arithmetic deterministic."""

import os
from typing import Optional

import torch


def pick_device(name: str = "auto", threads: Optional[int] = None) -> torch.device:
    """cpu, cuda or auto; switches off every shortcut that would change float32 results
    (TF32 matmuls, reduced-precision reductions) and asks for deterministic kernels."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if threads:
        torch.set_num_threads(threads)
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    # On CUDA (not yet run on a GPU) an op without a deterministic kernel warns instead of
    # stopping the runner; every op the model uses is meant to have one.
    torch.use_deterministic_algorithms(True, warn_only=(name == "cuda"))
    torch.set_float32_matmul_precision("highest")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    if hasattr(torch.backends.cuda.matmul, "allow_fp16_reduced_precision_reduction"):
        torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
    return torch.device(name)
