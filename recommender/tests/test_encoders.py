"""The real encoders, with their real pretrained weights (slower: marked integration)."""

import numpy as np
import pytest
from PIL import Image

from recommender import embeddings

pytestmark = pytest.mark.integration


def fixed_image():
    y, x = np.mgrid[0:224, 0:224]
    return Image.fromarray(np.stack([x, y, (x + y) // 2], axis=-1).astype(np.uint8))


def test_the_image_encoder_holds_the_pretrained_imagenet_weights(encoder):
    features = encoder.image_model.encode([fixed_image()], batch_size=1)[0]
    # Reference values from EfficientNet-Lite0's published ImageNet weights on this input;
    # a randomly initialised or wrongly loaded network gives entirely different ones.
    top = np.argsort(features)[::-1][:5]
    assert top.tolist() == [897, 113, 930, 689, 747]
    assert features[top] == pytest.approx([4.9209, 4.7478, 3.8361, 3.0628, 2.8279], abs=2e-3)
    assert float(np.linalg.norm(features)) == pytest.approx(12.693, abs=5e-3)


def test_the_image_encoder_batches_give_the_same_features_as_single_images(encoder):
    images = [fixed_image(), fixed_image().rotate(90), fixed_image().convert("L").convert("RGB")]
    batched = encoder.image_model.encode(images, batch_size=3)
    single = np.vstack([encoder.image_model.encode([image], batch_size=1) for image in images])
    assert batched == pytest.approx(single, abs=1e-4)


def test_the_text_encoder_is_all_minilm_l6_v2(encoder):
    vector = encoder.text_model.encode(["men's black winter jacket"], batch_size=8)[0]
    assert vector[:4] == pytest.approx([-0.0706, 0.1085, -0.0393, 0.1116], abs=2e-3)
    jacket, parka, dress = encoder.text_model.encode(
        ["men's black winter jacket", "black parka for men", "red summer dress"], batch_size=8
    )
    assert jacket @ parka > jacket @ dress + 0.1


def test_one_vector_mixes_image_and_text_with_the_configured_weights(encoder):
    both, image_only, text_only = embeddings.embed(
        [
            embeddings.EmbedInput(image=fixed_image(), text="blue gradient scarf"),
            embeddings.EmbedInput(image=fixed_image(), text=""),
            embeddings.EmbedInput(image=None, text="blue gradient scarf"),
        ]
    )
    assert both.shape == (1664,) and both.dtype == np.float32
    for vector in (both, image_only, text_only):
        assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
    assert float(np.linalg.norm(both[:1280])) == pytest.approx(encoder.image_weight, abs=1e-5)
    assert float(np.linalg.norm(both[1280:])) == pytest.approx(encoder.text_weight, abs=1e-5)
    assert not text_only[:1280].any() and not image_only[1280:].any()
