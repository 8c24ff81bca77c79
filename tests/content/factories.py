from datetime import timedelta
from io import BytesIO

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from content.models import Asset, Collection, Tag
from content.search import index_assets


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    name = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Asset {n}")
    summary = "A useful asset."
    kind = Asset.Kind.ARTICLE
    body = "Body text."
    language = Asset.Language.EN
    stages = factory.LazyFunction(lambda: ["selling"])
    status = Asset.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create and extracted is not False:
            index_assets([self.pk])


def png_upload(name="picture.png", size=(64, 48)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_upload(name="guide.pdf") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PDF")
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")
