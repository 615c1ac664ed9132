"""Hand-written test texts (never corpus or seed text)."""

EN_ARTICLE = (
    "Minister blames neighbours for blackout\n"
    "\n"
    "KYIV, March 3, 2025 — The energy minister said on Monday that the blackout was caused "
    'by a cyberattack. "We know exactly who did this," she told reporters. '
    "No evidence was offered.\n"
    "\n"
    "According to the grid operator, power returned to most homes by the evening. "
    "Engineers worked through the night.\n"
)

RU_ARTICLE = (
    "Министр обороны заявил журналистам, что армия продолжит наступление.\n"
    "\n"
    "По словам министра, противник понёс тяжёлые потери. «Мы не остановимся», — сказал он. "
    "Эксперты считают, что никаких доказательств представлено не было. "
    "Правительство пообещало опубликовать отчёт в ближайшие дни.\n"
)
