"""NLP stage of ct05: normalisation, segmentation, provinces, models, persons, documents, themes, relevance."""

from nlp.analyze import AnalyzeError, analyze_file
from nlp.documents import extract_documents
from nlp.enrich import NLP_VERSION, enrich, enrich_many
from nlp.models import extract_models, model_key
from nlp.normalize import fold, normalize, normalize_query
from nlp.organizations import extract_organizations
from nlp.persons import extract_persons
from nlp.provinces import UNKNOWN_PROVINCE, all_provinces, all_provinces_2025, detect_provinces, to_2025
from nlp.relevance import relevance
from nlp.segment import word_tokenize_batch
from nlp.themes import detect_themes

__all__ = [
    "NLP_VERSION", "UNKNOWN_PROVINCE", "AnalyzeError", "all_provinces", "all_provinces_2025", "analyze_file",
    "detect_provinces",
    "detect_themes", "enrich", "enrich_many", "extract_documents", "extract_models", "extract_organizations",
    "extract_persons", "fold", "model_key", "normalize", "normalize_query", "relevance", "to_2025",
    "word_tokenize_batch",
]
