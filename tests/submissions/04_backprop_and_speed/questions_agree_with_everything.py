"""Tampering: no exercise done, and the question answers are objects that agree with any comparison: a
str subclass whose strip and lower return itself and whose == is always true, and a float subclass
whose subtraction always gives 0. Before the answers were converted to a plain str and float, the
hidden tests compared these objects directly, and all three questions earned their points."""

EXPECT = "zero"
_AGREEABLE = '''
class AgreeableText(str):
    def strip(self, *args):
        return self

    def lower(self):
        return self

    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class AgreeableNumber(float):
    def __sub__(self, other):
        return 0.0

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__
'''
ANSWERS = {
    "question_dx_transposed": _AGREEABLE + '''
answer_dx_transposed = AgreeableText("a")
''',
    "question_multiplies": '''
answer_forward_multiplies = AgreeableNumber(1.0)
answer_backward_multiplies = AgreeableNumber(1.0)
''',
}
