"""Helpers for the Week 7 CNN notebooks.

One module per concern, imported explicitly (``from cs_utils.checks import assert_close``):

- ``settings``:  the ``CS_*`` switches (quick mode, data folder), read in one place
- ``runtime``:   quick mode, seeding, device choice
- ``checks``:    assertions that explain what is wrong
- ``gradcheck``: centered-difference numeric gradients
- ``data``:      offline datasets with provenance, and the online CIFAR-10 loader
- ``plotting``:  image, filter and activation-map grids, training curves
- ``torchdata``: CIFAR-shaped loaders for 08-12 (offline MNIST in quick mode, CIFAR-10 otherwise)
- ``training``:  the training loop (device, mixed precision, progress bars, history, checkpoints)
- ``timing``:    warm-up, synchronize and median timing, correct on GPUs
- ``validate``:  ``python -m cs_utils.validate``: nbgrader's Validator over your notebooks (``make check``)
- ``handin``:    ``python -m cs_utils.handin``: one zip of your notebooks to hand in (``make submit``)

Importing the package does nothing else: no seeding, no torch import, no file access.
Nothing here solves an exercise; students may read all of it.
"""

__all__ = ["settings", "runtime", "checks", "gradcheck", "data", "plotting", "torchdata", "training",
           "timing"]
