"""LaTeX maths as HTML text, for feedback that renders offline (no MathJax from the internet).

``render_markdown_maths`` replaces ``$...$`` and ``$$...$$`` in a Markdown cell with HTML spans:
letters in italics, Greek letters and operators as Unicode, sub- and superscripts as ``<sub>`` and
``<sup>``, fractions as ``(a)/(b)``, matrices as small tables. It covers what the course's
notebooks write (``\\frac``, ``\\sum``, ``\\hat``, ``\\text``, ``bmatrix``, ...); an unknown command
shows its name. Code spans and fenced code blocks are left alone, and so is an escaped ``\\$``.
"""

from __future__ import annotations

import html
import re

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "equiv": "≡", "propto": "∝",
    "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "longrightarrow": "⟶", "longleftarrow": "⟵",
    "mapsto": "↦", "top": "⊤", "circ": "∘", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "ast": "∗",
    "star": "⋆", "ldots": "…", "cdots": "⋯", "dots": "…", "vdots": "⋮", "ddots": "⋱",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩",
    "|": "‖", "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "#": "#", "$": "$",
    "lbrace": "{", "rbrace": "}", "vert": "|", "Vert": "‖", "mid": "|", "neg": "¬", "land": "∧",
    "lor": "∨", "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg",
    "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh", "det": "det", "dim": "dim", "lim": "lim",
    "argmax": "argmax", "argmin": "argmin", "Var": "Var", "E": "E",
}
SPACES = {"quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", ";": "\u2005", ":": "\u2005", "!": "",
          " ": " ", "enspace": "\u2002", "thinspace": "\u2009"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
           "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}
TEXT_COMMANDS = {"text", "mathrm", "textrm", "operatorname", "mathit", "textit", "mathsf", "texttt",
                 "mbox", "textnormal"}
BOLD_COMMANDS = {"mathbf", "textbf", "boldsymbol", "bm"}
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
           "textstyle", "limits", "nolimits", "underbrace", "overbrace", "mathstrut", "nonumber", "notag",
           "label"}
TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_&~])|(\s+)|(\d+(?:\.\d+)?)|([A-Za-z])|(.)", re.S)
# What must not reach Markdown as itself inside the HTML we write.
MARKDOWN_SPECIALS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]$~|#!"})


class _Parser:
    def __init__(self, tex: str):
        self.tokens = [m for m in TOKEN.finditer(tex)]
        self.pos = 0

    def parse(self, stop: str | None = None) -> str:
        out = []
        while self.pos < len(self.tokens):
            m = self.tokens[self.pos]
            if stop and m.group(2) == stop:
                self.pos += 1
                return "".join(out)
            if m.group(1) == "end" and stop == "\\end":
                return "".join(out)
            self.pos += 1
            out.append(self.token(m))
        return "".join(out)

    def argument(self) -> str:
        """The next group or single token, rendered."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].group(3):
            self.pos += 1
        if self.pos >= len(self.tokens):
            return ""
        m = self.tokens[self.pos]
        self.pos += 1
        if m.group(2) == "{":
            return self.parse("}")
        return self.token(m)

    def raw_argument(self) -> str:
        """The next group's text, unrendered (for \\text{...} and environment names)."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].group(3):
            self.pos += 1
        if self.pos >= len(self.tokens) or self.tokens[self.pos].group(2) != "{":
            return ""
        self.pos += 1
        depth, parts = 1, []
        while self.pos < len(self.tokens):
            m = self.tokens[self.pos]
            self.pos += 1
            if m.group(2) == "{":
                depth += 1
            elif m.group(2) == "}":
                depth -= 1
                if depth == 0:
                    break
            parts.append(m.group(0))
        return "".join(parts)

    def token(self, m) -> str:
        command, special, space, number, letter, other = m.groups()
        if command is not None:
            return self.command(command)
        if special == "{":
            return self.parse("}")
        if special in ("^", "_"):
            tag = "sup" if special == "^" else "sub"
            return f"<{tag}>{self.argument()}</{tag}>"
        if special == "&":
            return "\u2003"
        if special == "~":
            return "\u00a0"
        if space is not None:
            return ""  # TeX ignores spaces in maths
        if number is not None:
            return number
        if letter is not None:
            return f"<i>{letter}</i>"
        if other in "=<>+":
            return f" {html.escape(other)} "
        if other == "-":
            return " − "
        if other == ",":
            return ", "
        return html.escape(other or "")

    def command(self, name: str) -> str:
        if name == "\\":
            return "<br>"
        if name in SPACES:
            return SPACES[name]
        if name in SYMBOLS:
            symbol = html.escape(SYMBOLS[name])
            return f" {symbol} " if name in {"cdot", "times", "le", "leq", "ge", "geq", "ne", "neq", "approx",
                                             "pm", "in", "to", "rightarrow", "leftarrow", "Rightarrow",
                                             "longrightarrow", "mapsto", "equiv", "propto"} else symbol
        if name in TEXT_COMMANDS:
            return html.escape(self.raw_argument().replace("\\_", "_").replace("\\", ""))
        if name in BOLD_COMMANDS:
            return f"<b>{self.argument()}</b>"
        if name in ACCENTS:
            inner = self.argument()
            plain = re.sub(r"<[^>]+>", "", inner)
            return (f"<i>{plain}{ACCENTS[name]}</i>" if len(plain) == 1
                    else f"{inner}<sup>{ACCENTS[name].strip() or '^'}</sup>")
        if name == "frac" or name in ("dfrac", "tfrac"):
            top, bottom = self.argument(), self.argument()
            return f"{_group(top)}/{_group(bottom)}"
        if name == "sqrt":
            return f"√{_group(self.argument(), always=True)}"
        if name == "begin":
            env = self.raw_argument()
            body = self.environment()
            return _matrix(body, env)
        if name in IGNORED:
            return ""
        return html.escape(name)

    def environment(self) -> list[list[str]]:
        """Rows and cells of an environment's body, up to its \\end{...}."""
        rows, row, cell = [], [], []
        while self.pos < len(self.tokens):
            m = self.tokens[self.pos]
            self.pos += 1
            if m.group(1) == "end":
                self.raw_argument()
                break
            if m.group(2) == "&":
                row.append("".join(cell))
                cell = []
            elif m.group(1) == "\\":
                row.append("".join(cell))
                rows.append(row)
                row, cell = [], []
            else:
                cell.append(self.token(m))
        if cell or row:
            row.append("".join(cell))
            rows.append(row)
        return [r for r in rows if any(c.strip() for c in r)]


def _group(rendered: str, always: bool = False) -> str:
    plain = re.sub(r"<[^>]+>", "", rendered).strip()
    simple = re.fullmatch(r"[\w.]+", plain) is not None
    return rendered.strip() if simple and not always else f"({rendered.strip()})"


def _matrix(rows: list[list[str]], env: str) -> str:
    brackets = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "vmatrix": ("|", "|"), "Bmatrix": ("{", "}")}
    if env.rstrip("*") in ("aligned", "align", "gathered", "split", "array", "cases", "matrix", "equation") \
            and env not in brackets:
        return "<br>".join("\u2003".join(c.strip() for c in row) for row in rows)
    left, right = brackets.get(env, ("", ""))
    body = "".join("<tr>" + "".join(f"<td>{c.strip()}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<span class="cs-matrix-bracket">{left}</span><table class="cs-matrix">{body}</table>'
            f'<span class="cs-matrix-bracket">{right}</span>')


def latex_to_html(tex: str) -> str:
    """HTML for the maths ``tex`` (without its dollars)."""
    rendered = _Parser(tex).parse()
    return re.sub(r" {2,}", " ", rendered).strip()


MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\d)", re.S)
CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|`+[^`\n]*`+)", re.S | re.M)


def render_markdown_maths(markdown: str) -> str:
    """``markdown`` with its maths replaced by HTML spans (code left alone)."""
    parts = CODE.split(markdown)
    for i in range(0, len(parts), 2):  # the even parts are outside code
        parts[i] = MATH.sub(_replace, parts[i])
    return "".join(parts)


def _replace(m: re.Match) -> str:
    display = m.group(1) is not None
    tex = m.group(1) if display else m.group(2)
    rendered = latex_to_html(tex).translate(MARKDOWN_SPECIALS)
    cls = "cs-math cs-math-display" if display else "cs-math"
    title = html.escape(" ".join(tex.split()), quote=True).translate(MARKDOWN_SPECIALS)
    return f'<span class="{cls}" title="{title}">{rendered}</span>'
