import io

from django.core.management import call_command

from closetspace.photos import read_photo
from closetspace.tests.factories import photo_bytes, product
from recommender import services


def shop_product(name, **photo):
    item = product(name=name)
    services.product_set_photo(product=item, photo=read_photo(io.BytesIO(photo_bytes(**photo))))
    item.save()
    return item


def test_it_lists_products_with_near_identical_photos(db):
    first = shop_product("Blue tee", colour=(30, 40, 160))
    twin = shop_product("Blue tee (again)", colour=(30, 40, 160))
    shop_product("Red trousers", colour=(200, 20, 20), shape="trousers")
    shop_product("Green shoe", colour=(20, 160, 40), shape="shoe")
    product(name="Text only, no photo")
    services.products_embed(product_ids=[p.id for p in type(first).objects.all()])
    services.index_rebuild()

    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "1 likely duplicate pair(s)."
    assert f"#{first.id}" in lines[0] and f"#{twin.id}" in lines[0]


def test_without_an_index_there_is_nothing_to_compare(db):
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    assert out.getvalue().strip() == "0 likely duplicate pair(s)."
