"""Correct, written differently: the batch moved with torch.as_tensor(..., device=device) and the loss
called with CrossEntropyLoss's keyword names (input=, target=)."""

BASED_ON = "written_differently"
EXPECT = "full"
REPLACE = {
    "train_one_epoch": [("        inputs = inputs.to(device)\n        targets = targets.to(device)\n",
                         "        inputs = torch.as_tensor(inputs, device=device)\n"
                         "        targets = torch.as_tensor(targets, device=device)\n"),
                        ("batch_loss = loss_fn(scores, targets)",
                         "batch_loss = loss_fn(input=scores, target=targets)")],
    "evaluate_model": [("losses.append(float(loss_fn(scores, targets)))",
                        "losses.append(float(loss_fn(input=scores, target=targets)))")],
}
