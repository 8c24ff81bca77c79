"""Training's fixtures, shared with the onboarding tests (whose templates link a course and a
certification): loaded for every test by `pytest_plugins` in tests/conftest.py."""

import pytest

from tests.training.factories import CertificationFactory, CourseFactory, LessonFactory, quiz


@pytest.fixture
def course(db):
    course = CourseFactory(title="Product basics", slug="product-basics")
    LessonFactory(course=course, position=1, title="Why us")
    LessonFactory(course=course, position=2, title="How to sell")
    course.answers = quiz(course, n=2)
    return course


@pytest.fixture
def certification(course):
    cert = CertificationFactory(name="Certified Seller", validity_months=12)
    cert.courses.add(course)
    return cert
