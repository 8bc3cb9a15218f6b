"""One filter for both cases: leaf modules only, then the type test. With layer_types naming a container
class (a residual block, nn.Sequential) nothing is counted, though the text selects every instance."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
REPLACE = {"activation_bytes": [(
    '''    if layer_types is None:
        wanted = {id(m) for m in model.modules() if not list(m.children())}
    else:
        wanted = {id(m) for m in model.modules() if isinstance(m, tuple(layer_types))}
''',
    '''    wanted = {id(m) for m in model.modules()
              if not list(m.children()) and (layer_types is None or isinstance(m, tuple(layer_types)))}
''')]}
MAX_FRACTION = 0.95
