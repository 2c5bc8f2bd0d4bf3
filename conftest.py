import hashlib
import re

import numpy as np
import pytest
from PIL import Image

from recommender import embeddings, index


class FakeEncoder:
    """A tiny deterministic stand-in for the real models, for fast unit tests.

    Images map to a fixed random projection of their 8×8 colour thumbnail; texts to a
    hashed bag of words. Similar inputs get similar vectors, as with the real encoders.
    """

    version = "fake-v1"

    def __init__(self, image_weight, text_weight):
        self.image_weight, self.text_weight = image_weight, text_weight
        self._projection = np.random.default_rng(0).normal(size=(192, embeddings.IMAGE_DIM)).astype(np.float32)

    def encode_images(self, images):
        pixels = [
            np.asarray(image.resize((8, 8), Image.Resampling.BILINEAR), np.float32).ravel() / 255.0 - 0.5
            for image in images
        ]
        return np.vstack(pixels) @ self._projection

    def encode_texts(self, texts):
        out = np.zeros((len(texts), embeddings.TEXT_DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % embeddings.TEXT_DIM] += 1.0
        return out

    def warm(self):
        pass


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Every test gets its own media and index folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.INDEX_DIR = tmp_path / "index"
    index._loaded = index._loaded_stamp = None
    yield
    index._loaded = index._loaded_stamp = None


@pytest.fixture(autouse=True)
def encoder(request, settings):
    """The fake encoder, except in tests marked `integration`, which run the real models."""
    if request.node.get_closest_marker("integration"):
        real = embeddings.Encoder(settings.EMBED_IMAGE_WEIGHT, settings.EMBED_TEXT_WEIGHT)
        previous = embeddings.use_encoder(_shared_real_encoder(real))
        yield embeddings.get_encoder()
    else:
        previous = embeddings.use_encoder(FakeEncoder(settings.EMBED_IMAGE_WEIGHT, settings.EMBED_TEXT_WEIGHT))
        yield embeddings.get_encoder()
    embeddings.use_encoder(previous)


_real = {}


def _shared_real_encoder(candidate):
    # Load the real models once per test session, not once per test.
    return _real.setdefault(candidate.version, candidate)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="a-long-test-password")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="another-test-password")


@pytest.fixture
def alice_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def api(user):
    """Alice, signed in to the JSON API with a session."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def bob_api(other_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(other_user)
    return client
