"""Persuasion-technique backends: hashed features, the shipped linear model, span cues."""

from .features import FeatureConfig, Featurizer
from .model import LinearScorer, TechniqueModel

__all__ = ["FeatureConfig", "Featurizer", "LinearScorer", "TechniqueModel"]
