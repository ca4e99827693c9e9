"""Share links: the ``?s=`` token a reader's share adds to a page URL.

Content owns the shape because its QR codes encode the token; analytics, which builds on content,
validates incoming tokens against the same pattern.
"""

import re

SHARE_TOKEN = re.compile(r"[A-Za-z0-9_-]{6,32}")  # use fullmatch: "$" lets a newline through
