"""cs_utils.model_checks: each check passes the ways of writing an exercise that are right and fails
the mistake it is for (dropout on the scores, a batch never moved, a loop handed to cs_utils.training)."""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn as nn

import cs_utils.training
from cs_utils import model_checks

NAMES = ("FC6", "FC7", "FC8")


def classifier(order: str, p: float = 0.5) -> nn.Sequential:
    """Three Linear layers with dropout placed as ``order`` says ("before FC6 and FC7", ...)."""
    torch.manual_seed(0)
    fc6, fc7, fc8 = nn.Linear(12, 16), nn.Linear(16, 16), nn.Linear(16, 3)
    layers = {
        "torchvision": [nn.Dropout(p), fc6, nn.ReLU(), nn.Dropout(p), fc7, nn.ReLU(), fc8],
        "after_relu_inplace": [nn.Dropout(p), fc6, nn.ReLU(inplace=True), nn.Dropout(p), fc7, nn.ReLU(), fc8],
        "on_the_scores": [fc6, nn.ReLU(), fc7, nn.ReLU(), fc8, nn.Dropout(p)],
        "none_before_fc6": [fc6, nn.ReLU(), nn.Dropout(p), fc7, nn.ReLU(), nn.Dropout(p), fc8],
        "also_before_fc8": [nn.Dropout(p), fc6, nn.ReLU(), nn.Dropout(p), fc7, nn.ReLU(), nn.Dropout(p), fc8],
        "no_relu_after_fc6": [nn.Dropout(p), fc6, fc7, nn.ReLU(), fc8],
    }[order]
    return nn.Sequential(*layers)


@pytest.mark.parametrize("order", ["torchvision", "after_relu_inplace"])
def test_dropout_in_its_places_passes(order):
    model_checks.assert_dropout_before(classifier(order), torch.randn(8, 12), 0.5, {0, 1}, NAMES, order)


@pytest.mark.parametrize("order, message", [("on_the_scores", "not FC8's output"),
                                            ("none_before_fc6", "no value of FC6's input was dropped")])
def test_dropout_elsewhere_fails(order, message):
    with pytest.raises(AssertionError, match=message):
        model_checks.assert_dropout_before(classifier(order), torch.randn(8, 12), 0.5, {0, 1}, NAMES, order)


@pytest.mark.parametrize("order, dropped, message", [
    ("also_before_fc8", {0, 1}, "FC8's input was dropped out .* no dropout before FC8: dropout belongs only "
                                "before FC6 and FC7"),
    # VGG's order (dropout after the ReLUs of the first two layers) checked against AlexNet's.
    ("torchvision", {1, 2}, "FC6's input was dropped out .* no dropout before FC6: dropout belongs only "
                            "before FC7 and FC8"),
    ("no_relu_after_fc6", {0}, r"FC7's input is not ReLU\(FC6's output\)")])
def test_dropout_where_there_is_none_is_named(order, dropped, message):
    with pytest.raises(AssertionError, match=message):
        model_checks.assert_dropout_before(classifier(order), torch.randn(8, 12), 0.5, dropped, NAMES, order)


class AlwaysDropping(nn.Module):
    """F.dropout without training=self.training: it drops in eval mode too."""

    def __init__(self):
        super().__init__()
        self.layers = classifier("torchvision")

    def forward(self, x):
        fc6, fc7, fc8 = (m for m in self.layers if isinstance(m, nn.Linear))
        x = torch.relu(fc6(nn.functional.dropout(x, 0.5)))
        return fc8(torch.relu(fc7(nn.functional.dropout(x, 0.5))))


def test_dropout_on_in_eval_mode_is_named():
    with pytest.raises(AssertionError, match="FC6's input differs between two passes .* on in eval mode"):
        model_checks.assert_dropout_before(AlwaysDropping(), torch.randn(8, 12), 0.5, {0, 1}, NAMES, "always")


def test_dropout_with_another_probability_fails():
    with pytest.raises(AssertionError, match="dropped, expected about 50%"):
        model_checks.assert_dropout_before(classifier("torchvision", p=0.2), torch.randn(8, 12), 0.5, {0, 1},
                                           NAMES, "p=0.2 instead of 0.5")


def test_own_loop_only_blocks_fit_and_evaluate_however_imported_then_restores_them():
    from cs_utils.training import evaluate as imported

    code = cs_utils.training.evaluate.__code__
    with model_checks.own_loop_only():
        with pytest.raises(AssertionError, match="write the loop yourself"):
            imported(nn.Linear(2, 2), [], "cpu")
        with pytest.raises(AssertionError, match="cs_utils.training.fit"):
            cs_utils.training.fit()
    assert cs_utils.training.evaluate.__code__ is code


def epoch(model, loader, loss_fn, device, keep_moved: bool):
    for x, y in loader:
        if keep_moved:
            x, y = x.to(device), y.to(device, non_blocking=True)
        else:
            x.to(device)
            y.to(device)
        loss_fn(model(x), y)


@pytest.mark.parametrize("keep_moved", [True, False])
def test_batches_moved_tells_a_kept_move_from_a_discarded_one(keep_moved):
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(2)]
    inputs, targets, stale_calls = model_checks.batches_moved(
        lambda model, loader, loss_fn, device: epoch(model, loader, loss_fn, device, keep_moved),
        nn.Linear(3, 2), batches)
    assert inputs == [keep_moved] * 2 and targets == [keep_moved] * 2 and (not stale_calls) == keep_moved


def test_assert_batches_moved_names_the_function_and_the_fix():
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,)))]
    discard = lambda model, loader, loss_fn, device: epoch(model, loader, loss_fn, device, keep_moved=False)  # noqa: E731
    expected = r"evaluate_model passed the model a batch .* \(x = x.to\(device\)\)"
    with pytest.raises(AssertionError, match=expected):
        model_checks.assert_batches_moved("evaluate_model", discard, nn.Linear(3, 2), batches)
    keep = lambda model, loader, loss_fn, device: epoch(model, loader, loss_fn, device, keep_moved=True)  # noqa: E731
    model_checks.assert_batches_moved("evaluate_model", keep, nn.Linear(3, 2), batches)


def test_assert_batches_moved_says_when_the_given_loss_is_not_used():
    import torch.nn.functional as F

    def own_loss(model, loader, loss_fn, device):
        for x, y in loader:
            F.cross_entropy(model(x.to(device)), y.to(device))

    with pytest.raises(AssertionError, match="never called the loss_fn it was given"):
        model_checks.assert_batches_moved("train_one_epoch", own_loss, nn.Linear(3, 2),
                                          [(torch.randn(4, 3), torch.randint(0, 2, (4,)))])


def test_dropout_check_keeps_batchnorm_in_eval_mode():
    """BatchNorm before the classifier (GoogLeNet): only dropout may differ between the two passes."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Dropout(0.4), nn.Linear(8, 5))
    model_checks.assert_dropout_before(model, torch.randn(6, 3, 9, 9), 0.4, {0}, ("fc",), "with BatchNorm")
    assert model.training and model[1].training
    without = nn.Sequential(*list(model)[:5], nn.Linear(8, 5))
    with pytest.raises(AssertionError, match="no value of fc's input was dropped"):
        model_checks.assert_dropout_before(without, torch.randn(6, 3, 9, 9), 0.4, {0}, ("fc",), "no dropout")



def test_dropout_check_names_a_tuple_returned_in_training_mode():
    """GoogLeNet without auxiliary heads returning (logits, None, None) in training: say so, not with a
    TypeError."""
    class WithEmptyAux(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            logits = self.fc(nn.functional.dropout(x, 0.5, self.training))
            return (logits, None, None) if self.training else logits

    with pytest.raises(AssertionError, match="returned a tuple in training mode; expected one tensor"):
        model_checks.assert_dropout_before(WithEmptyAux(), torch.randn(6, 4), 0.5, {0}, ("fc",),
                                           "aux_logits=False")


def loop_variant(variant):
    """A loop over (x, y) batches written as ``variant`` says; those in WRONG_LOOPS fail on a GPU."""
    def loop(model, loader, loss_fn, device):
        hits = torch.zeros((), dtype=torch.long) if "host_scalar_counter" in variant else 0
        predictions, labels_seen, scores, targets = [], [], [], []
        for x, y in loader:
            if variant == "accuracy_before_labels_moved":
                out = model(x.to(device))
                hits += int((out.argmax(1) == y).sum())
                y = y.to(device)
                loss = loss_fn(out, y)
            elif variant == "as_tensor":
                x, y = torch.as_tensor(x, device=device), torch.as_tensor(y, device=device)
                out = model(x)
                loss = loss_fn(out, y)
            elif variant == "keywords":
                x, y = x.to(device=device, non_blocking=True), y.to(device, copy=True)
                out = model(input=x)
                loss = loss_fn(input=out, target=y)
            elif variant == "labels_to_output_device":
                out = model(x.to(device))
                y = y.to(out.device)
                loss = loss_fn(out, y)
            elif variant == "labels_back_with_type":
                out = model(x.to(device))
                y = y.to(device).type(torch.LongTensor)
                loss = loss_fn(out, y)
            elif variant == "loss_over_host_copies":
                out = model(x.to(device))
                scores.append(out.cpu())
                targets.append(y.cpu())
                loss = torch.zeros(())
            else:
                out = model(x.to(device))
                loss = loss_fn(out, y.to(device))
            preds = out.argmax(1)
            if variant in ("predictions_to_host", "numpy_after_cpu", "numpy_on_device", "numpy_forced"):
                host_preds = preds if variant in ("numpy_on_device", "numpy_forced") else preds.cpu()
                array = host_preds.numpy(force=True) if variant == "numpy_forced" else host_preds.numpy()
                hits += int((array == y.numpy()).sum())
            elif variant == "numpy_against_moved_labels":
                hits += int((preds.cpu().numpy() == y.to(device)).sum())
            elif variant == "predictions_to_label_device":
                hits += int((preds.to(y.device) == y).sum())
            elif variant == "predictions_rebuilt_with_tensor":
                hits += int((torch.tensor([int(p) for p in preds]) == y.to(device)).sum())
            elif variant == "score_of_the_label":
                hits += int((out[torch.arange(len(y)), y] >= out.max(1).values).sum())
            elif variant in ("concatenated_labels", "concatenated_host_labels"):
                predictions.append(preds)
                labels_seen.append(y if variant == "concatenated_host_labels" else y.to(device))
            elif variant == "accuracy_on_unmoved":
                hits += int((preds == y).sum())
            elif variant == "host_scalar_counter_rebound":
                hits = hits + (preds == y.to(device)).sum()
            elif variant != "accuracy_before_labels_moved":
                hits += (preds == y.to(device)).sum()
            len(y), y.nelement(), y.tolist(), y.sum()  # the batch left behind, on its own: harmless anywhere
            loss.item()
        if predictions:
            hits = int((torch.cat(predictions) == torch.cat(labels_seen)).sum())
        if scores:
            loss_fn(torch.cat(scores), torch.cat(targets)).item()
        return int(hits)
    return loop


CORRECT_LOOPS = ["as_tensor", "keywords", "inline_moves", "predictions_to_host", "numpy_after_cpu",
                 "numpy_forced", "labels_to_output_device", "predictions_to_label_device",
                 "concatenated_labels", "host_scalar_counter_rebound", "score_of_the_label",
                 "loss_over_host_copies"]
WRONG_LOOPS = {"accuracy_on_unmoved": "__eq__", "accuracy_before_labels_moved": "__eq__",
               "concatenated_host_labels": "__eq__", "numpy_on_device": "numpy, without .cpu()",
               "host_scalar_counter": "add_", "numpy_against_moved_labels": "__eq__",
               "predictions_rebuilt_with_tensor": "__eq__"}


@pytest.mark.parametrize("variant", CORRECT_LOOPS)
def test_assert_batches_moved_accepts_correct_variants(variant):
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(2)]
    model_checks.assert_batches_moved("train_one_epoch", loop_variant(variant), nn.Linear(3, 2), batches)


@pytest.mark.parametrize("variant", sorted(WRONG_LOOPS))
def test_assert_batches_moved_fails_a_loop_that_mixes_host_and_device(variant):
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(2)]
    expected = rf"evaluate_model would fail on a GPU: .* \({re.escape(WRONG_LOOPS[variant])}\)"
    with pytest.raises(AssertionError, match=expected):
        model_checks.assert_batches_moved("evaluate_model", loop_variant(variant), nn.Linear(3, 2), batches)


def test_labels_moved_back_to_the_host_are_not_on_the_device():
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,)))]
    with pytest.raises(AssertionError, match="passed the loss labels that were not on `device`"):
        model_checks.assert_batches_moved("evaluate_model", loop_variant("labels_back_with_type"),
                                          nn.Linear(3, 2), batches)


def test_batches_moved_leaves_no_mark_on_the_batches_or_the_model():
    batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,)))] * 2  # the same batch twice
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    model_checks.assert_batches_moved("train_one_epoch", loop_variant("inline_moves"), model, batches)
    tensors = [t for batch in batches for t in batch] + [*model.parameters(), *model.buffers()]
    assert not any(hasattr(t, "_cs_place") for t in tensors)
    assert batches[0][0].device == torch.device("cpu")


def test_channel_dropout_before_the_flatten_fails():
    """nn.Dropout2d on the feature maps drops the right share, scaled right, but whole channels at once."""
    torch.manual_seed(0)
    head = [nn.Flatten(), nn.Linear(16 * 6 * 6, 32), nn.ReLU(), nn.Linear(32, 3)]
    features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveMaxPool2d(6))
    x = torch.randn(4, 3, 12, 12)
    with pytest.raises(AssertionError, match="dropped in blocks of neighbouring values"):
        model_checks.assert_dropout_before(nn.Sequential(features, nn.Dropout2d(0.5), *head), x, 0.5, {0},
                                           ("fc1", "fc2"), "channel dropout")
    model_checks.assert_dropout_before(nn.Sequential(features, nn.Dropout(0.5), *head), x, 0.5, {0},
                                       ("fc1", "fc2"), "element-wise dropout")


def test_dropping_whole_samples_fails_where_the_neighbour_test_cannot():
    """nn.Dropout1d on (N, hidden) drops rows; with a narrow layer the neighbour test has too few pairs."""
    head = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout1d(0.5), nn.Linear(32, 3))
    element_wise = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))
    for seed in range(20):
        torch.manual_seed(seed)
        x = torch.randn(4, 16)
        try:
            model_checks.assert_dropout_before(head, x, 0.5, {1}, ("fc1", "fc2"), "rows")
        except AssertionError as err:
            assert "dropped whole or kept whole" in str(err) or "was dropped, expected" in str(err) or (
                "no value" in str(err)), err
        else:
            raise AssertionError(f"seed {seed}: whole rows dropped passed")
        model_checks.assert_dropout_before(element_wise, x, 0.5, {1}, ("fc1", "fc2"), "element-wise")


def test_layer_calls_follow_the_forward_pass_and_keep_copies():
    class Backwards(nn.Module):
        def __init__(self):
            super().__init__()
            self.second = nn.Linear(4, 2)  # defined first, runs second
            self.first = nn.Linear(3, 4)

        def forward(self, x):
            return self.second(torch.relu_(self.first(x)))

    model, x = Backwards(), -10 * torch.ones(5, 3)
    out, calls = model_checks.layer_calls(model, x, nn.Linear)
    assert [module for module, _, _ in calls] == [model.first, model.second]
    assert torch.equal(calls[1][2], out) and not out.requires_grad
    assert torch.equal(calls[0][2], model.first(x).detach()), "the ReLU in place changed the copy"


def test_dropout_with_the_keep_probability_swapped_fails():
    """Keeping a share p instead of 1 - p, with the 1/(1 - p) scaling: only the share tells."""
    class SwappedDropout(nn.Module):
        def __init__(self, p):
            super().__init__()
            self.p = p

        def forward(self, x):
            return x * (torch.rand_like(x) < self.p) / (1 - self.p) if self.training else x

    torch.manual_seed(0)
    model = nn.Sequential(SwappedDropout(0.3), nn.Linear(64, 32), nn.ReLU(), SwappedDropout(0.3),
                          nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))
    with pytest.raises(AssertionError, match="dropped, expected about 30%"):
        model_checks.assert_dropout_before(model, torch.randn(16, 64), 0.3, {0, 1}, NAMES, "swapped")


def test_the_tests_loader_is_the_list_of_batches_and_says_why_it_has_no_dataset():
    batches = [(torch.randn(n, 3), torch.randint(0, 2, (n,))) for n in (4, 2)]
    loader = model_checks.Batches(batches)
    assert list(loader) == batches and len(loader) == 2 and not hasattr(loader, "dataset")
    with pytest.raises(AttributeError, match="count the samples as you go"):
        len(loader.dataset)


class _Residual(nn.Module):
    """A residual branch of one 3x3 convolution; ``shortcut`` and ``in_place`` make the mistakes."""

    def __init__(self, stride: int, shortcut: str = "projection", in_place: bool = False):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, stride=stride, padding=1, bias=False)
        projection = nn.Conv2d(4, 4, 1, stride=stride, bias=False)
        self.shortcut = projection if shortcut == "projection" else nn.Identity()
        self.in_place = in_place

    def forward(self, x):
        shortcut = self.shortcut(x)
        if self.in_place:
            return shortcut.add_(self.conv(x)).relu()
        return (self.conv(x) + shortcut).relu()


def test_residual_block_output_returns_the_output_of_a_right_block():
    out = model_checks.residual_block_output(_Residual(2), torch.randn(2, 4, 6, 6), "block")
    assert out.shape == (2, 4, 3, 3) and not out.requires_grad


def test_residual_block_output_names_a_shortcut_that_keeps_the_shape():
    with pytest.raises(AssertionError, match=r"^block, stride 2: the branch and the shortcut have different"):
        model_checks.residual_block_output(_Residual(2, shortcut="identity"), torch.randn(2, 4, 6, 6),
                                           "block, stride 2")


def test_residual_block_output_blames_the_side_whose_size_the_stride_does_not_explain():
    with pytest.raises(AssertionError, match="the shortcut keeps the input's size where the stride 2"):
        model_checks.residual_block_output(_Residual(2, shortcut="identity"), torch.randn(2, 4, 6, 6), "b", 2)
    unpadded = _Residual(1, shortcut="identity")
    unpadded.conv.padding = (0, 0)
    with pytest.raises(AssertionError, match="the branch changes the height or width .* padding=1"):
        model_checks.residual_block_output(unpadded, torch.randn(2, 4, 6, 6), "block", 1)
    with pytest.raises(AssertionError, match="they differ in height or width"):
        model_checks.residual_block_output(unpadded, torch.randn(2, 4, 6, 6), "block")


def test_residual_block_output_names_an_add_into_the_input():
    with pytest.raises(AssertionError, match="must not modify its input"):
        model_checks.residual_block_output(_Residual(1, shortcut="identity", in_place=True),
                                           torch.randn(2, 4, 6, 6), "block")


def test_residual_block_output_lets_other_errors_through():
    with pytest.raises(RuntimeError, match="channels"):
        model_checks.residual_block_output(_Residual(1), torch.randn(2, 3, 6, 6), "block")


def test_assert_convs_distinct_fails_a_layer_list_repeated_with_a_star():
    x = torch.randn(1, 2, 4, 4)
    own = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), nn.ReLU(), nn.Conv2d(2, 2, 3, padding=1), nn.ReLU())
    model_checks.assert_convs_distinct(own, x, 2, "block")
    shared = nn.Sequential(*[nn.Conv2d(2, 2, 3, padding=1), nn.ReLU()] * 2)
    with pytest.raises(AssertionError, match=r"^block runs 2 convs but they are only 1 distinct nn.Conv2d"):
        model_checks.assert_convs_distinct(shared, x, 2, "block")
    model_checks.assert_convs_distinct(shared, x, 3, "block")  # a wrong count is the count test's to name


def test_naming_an_unflattened_input_names_the_flatten_only_when_it_is_the_cause():
    fc = nn.Linear(4, 3)
    pooled = torch.randn(2, 4, 1, 1)
    with model_checks.naming_an_unflattened_input(fc, "fc"):
        fc(torch.flatten(pooled, 1))
    flatten_hint = r"^fc got a 4-d input .*torch.flatten\(x, 1\) before dropout and fc$"
    with pytest.raises(AssertionError, match=flatten_hint):
        with model_checks.naming_an_unflattened_input(fc, "fc"):
            fc(pooled)
    with pytest.raises(RuntimeError, match="mat1 and mat2"):  # a wrong width of a 2-d input stays torch's
        with model_checks.naming_an_unflattened_input(fc, "fc"):
            fc(torch.randn(2, 5))
    assert not fc._forward_pre_hooks


def test_naming_a_prediction_per_class_names_the_argmax_only_when_the_classes_meet_the_batch():
    scores, labels = torch.randn(7, 4), torch.randint(0, 4, (7,))
    with pytest.raises(AssertionError, match=r"one value per class \(4\).*argmax\(dim=1\)"):
        with model_checks.naming_a_prediction_per_class("evaluate_model", 4):
            _ = scores.argmax(dim=0) == labels
    with pytest.raises(RuntimeError, match="must match"):  # a size error with no class count in it
        with model_checks.naming_a_prediction_per_class("evaluate_model", 3):
            _ = scores.argmax(dim=0) == labels
    with model_checks.naming_a_prediction_per_class("evaluate_model", 4):
        _ = scores.argmax(dim=1) == labels


def test_float64_input_lets_a_float32_cast_of_the_batch_lose_nothing():
    model = nn.Sequential(model_checks.float64_input(), nn.Linear(3, 2)).double()
    x = torch.randn(4, 3).double()  # float32 values, stored in float64
    out = model(x)
    assert out.dtype == torch.float64
    assert torch.equal(model(x.float()), out)
