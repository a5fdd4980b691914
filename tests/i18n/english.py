"""What the Chinese checks leave aside as typed by people: the strings a stored value (a signed body, a JSON field)
holds, except under keys whose values are codes the pages and PDFs must put into words."""

# Keys whose values are codes (shown raw, they are English the platform failed to translate).
CODES = {"format", "outcome", "status", "kind", "state", "procedure_type", "evaluation_method", "verdict", "ground",
         "automatic", "pass_over", "marks", "decision", "method", "action", "audience", "band"}


def typed_strings(value, key=None):
    """Every string in `value` (dicts and lists walked), except the values of CODES keys."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from typed_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from typed_strings(v, key)
    elif isinstance(value, str) and key not in CODES:
        yield value
