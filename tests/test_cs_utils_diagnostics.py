"""cs_utils.diagnostics on the CPU, with tiny models and data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from cs_utils import diagnostics, training  # noqa: E402


def tiny_loader(n=96, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, 8, 8, generator=gen)
    y = (x[:, 0].mean(dim=(1, 2)) > 0).long()
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=32)


def tiny_model():
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(4, 2))


def test_step_log_records_training_steps_only():
    torch.manual_seed(0)
    model, loader = tiny_model(), tiny_loader()
    log = diagnostics.StepLog()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = training.fit(model, loader, loader, epochs=2, optimizer=optimizer, loss_fn=log, progress=False,
                           device="cpu")
    losses, accs = log.values()
    # evaluate's calls on the validation data (under no_grad) are not recorded
    assert log.steps == len(losses) == len(accs) == 2 * len(loader)
    assert np.all(np.isfinite(losses)) and np.all((accs >= 0) & (accs <= 1))
    # fit's per-epoch training loss is the size-weighted mean of the steps (all batches have 32 here)
    assert np.isclose(losses[:len(loader)].mean(), history["train_loss"][0], rtol=1e-5)


def test_step_log_passes_the_loss_through():
    log = diagnostics.StepLog()
    logits, y = torch.randn(5, 3), torch.tensor([0, 1, 2, 0, 1])
    assert torch.equal(log(logits, y), F.cross_entropy(logits, y))
    assert torch.equal(log(logits, y, reduction="sum"), F.cross_entropy(logits, y, reduction="sum"))
    losses, accs = log.values()
    assert len(losses) == 1 and np.isclose(accs[0], (logits.argmax(1) == y).float().mean().item())


def test_moving_average():
    np.testing.assert_allclose(diagnostics.moving_average([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])
    assert len(diagnostics.moving_average([1, 2], 5)) == 1  # the window shrinks to the data


def test_predict_and_confusion_matrix():
    torch.manual_seed(0)
    model, loader = tiny_model(), tiny_loader()
    model.train()
    images, labels, preds, probs = diagnostics.predict(model, loader)
    assert model.training, "predict restores the model's mode"
    assert images.shape == (96, 3, 8, 8) and labels.shape == preds.shape == (96,) and probs.shape == (96, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    matrix = diagnostics.confusion_matrix(labels, preds, 2)
    assert matrix.sum() == 96 and np.trace(matrix) == int((labels == preds).sum())
    np.testing.assert_array_equal(diagnostics.confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3),
                                  [[1, 0, 0], [0, 1, 1], [0, 0, 1]])


def test_figures():
    labels, preds = np.array([0, 1, 1, 0]), np.array([0, 0, 1, 1])
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]])
    images = torch.randn(4, 3, 8, 8)
    fig, shown = diagnostics.show_misclassified(images, labels, preds, probs, ["a", "b"], n=5)
    assert list(shown) == [1, 3], "wrong predictions, most confident first"
    plt.close(fig)
    matrix = diagnostics.confusion_matrix(labels, preds, 2)
    plt.close(diagnostics.plot_confusion(matrix, ["a", "b"], title="t"))
    history = {"val_loss": [1.0, 0.5], "val_acc": [0.5, 0.8]}
    plt.close(diagnostics.plot_steps(np.linspace(2, 0.5, 20), history, 10, step_accs=np.linspace(0, 1, 20)))


def test_plot_steps_draws_a_run_shorter_than_its_window():
    """Two steps (a time budget reached at once) still give the step points and their mean."""
    fig = diagnostics.plot_steps([2.3, 2.1], {"val_loss": [2.2], "val_acc": [0.1]}, 2, step_accs=[0.1, 0.2])
    try:
        lines = fig.axes[0].get_lines()
        assert lines[0].get_xydata().tolist() == [[1, 2.3], [2, 2.1]]
        assert lines[1].get_xydata().tolist() == [[2, 2.2]], "the mean of the two steps, at step 2"
        assert "2-step mean" in lines[1].get_label()
    finally:
        plt.close(fig)

