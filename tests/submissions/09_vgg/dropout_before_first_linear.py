"""VGG's classifier in AlexNet's (torchvision alexnet's) order, carried over from notebook 08: dropout
on the inputs of the first two Linear layers instead of after their ReLUs."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"vgg": [("x = self.drop(F.relu(self.fc1(x)))", "x = F.relu(self.fc1(self.drop(x)))"),
                   ("x = self.drop(F.relu(self.fc2(x)))", "x = F.relu(self.fc2(self.drop(x)))")]}
