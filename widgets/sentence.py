"""A translated sentence whose placeholders hold styled pieces ("with {client}", the name in bold).

A translation may move a placeholder anywhere in its sentence, so the sentence is never cut into
parts around a value: it is translated whole and split here. Its words are shown literally (never
parsed as markup), and so are the pieces.
"""

from string import Formatter

from textual.content import Content


def sentence(template: str, **pieces: str | Content) -> Content:
    """`template` (already translated) with each `{name}` replaced by `pieces[name]`."""
    parts: list[str | Content] = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            parts.append(literal)
        if name is not None:
            parts.append(pieces[name])
    return Content.assemble(*parts)
