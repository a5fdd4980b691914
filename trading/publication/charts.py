"""Charts drawn on the server as SVG: no script, no CDN (trading centres run on closed networks), readable by
screen readers through the title and a table beside each chart. Labels are escaped here."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH, VALUE_WIDTH = 640, 22, 6, 190, 110
COLOURS = {"red": "#c62828", "yellow": "#f9a825", "blue": "#1565c0", "none": "#2e7d32"}


def _short(text, limit=28):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_chart(rows, title, fmt="{:,.0f}", colour="#1565c0"):
    """Horizontal bars: rows [(label, value or None, optional colour)], scaled to the largest value."""
    show = fmt if callable(fmt) else fmt.format  # a format string, or a function such as tenders.money.format_amount
    rows = [(r[0], r[1], r[2] if len(r) > 2 else colour) for r in rows]
    values = [float(v) for _, v, _ in rows if v is not None]
    top = max([v for v in values if v > 0], default=1.0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>']
    for i, (label, value, fill) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end" font-size="13">'
                     f'{escape(_short(label))}</text>')
        if value is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{text_y:.1f}" font-size="13" fill="#666">—</text>')
            continue
        length = max(0.0, float(value)) / top * plot
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                     f'fill="{escape(fill)}"><title>{escape(label)}: {escape(show(value))}</title></rect>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{text_y:.1f}" font-size="13">'
                     f'{escape(show(value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
