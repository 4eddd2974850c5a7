"""Storyline: turn a stream of news articles from many outlets and languages into stories.

The public API is this short list; everything else is an implementation detail.
"""

import logging

from .engine import Engine, IngestReport
from .errors import StorylineError, UserError
from .types import Article, RawDocument, Rejected, Removal

__all__ = [
    "Article",
    "Engine",
    "IngestReport",
    "RawDocument",
    "Rejected",
    "Removal",
    "StorylineError",
    "UserError",
]
__version__ = "0.1.0"

# Libraries log, applications configure logging: stay silent unless the caller sets it up.
logging.getLogger(__name__).addHandler(logging.NullHandler())
