"""Loss and accuracy averaged over batches instead of samples: the smaller last batch weighs as much
as a full one."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {
    "train_one_epoch": [("loss_sum += batch_loss.detach().double() * targets.numel()",
                         "loss_sum += batch_loss.detach().double()"),
                        ("hits += int(torch.sum(scores.detach().max(dim=1).indices == targets))",
                         "hits += float((scores.detach().max(dim=1).indices == targets).double().mean())"),
                        ("seen += targets.numel()", "seen += 1")],
    "evaluate_model": [("return sum(l * n for l, n in zip(losses, sizes)) / total, hits / total",
                  "return sum(losses) / len(losses), hits / total")],
}
