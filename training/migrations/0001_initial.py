"""Issue 24: training becomes its own app. The models move with their rows and keep their
tables (`db_table`: docs/deployment.md never renames a table in one release, the previous
release's web nodes still read them during a rolling restart): the state step declares the
models here (onboarding's 0009 forgets them, again without touching the database), the
database step only renames the one index whose name the model now gives (code never reads
index names), and the content types move to this app, so that audit events, admin history,
permissions and guardian rows that point at them keep pointing at the same rows.
Reversible: migrating back moves them back."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import prm.text.weburl
import training.models
from django.conf import settings
from django.db import migrations, models


MODELS = [
    "externallms",
    "course",
    "lesson",
    "question",
    "choice",
    "enrollment",
    "quizattempt",
    "certification",
    "usercertification",
    "lmsevent",
]
INDEXES = [("onboarding__partner_fafb53_idx", "usercert_partner_valid_until")]

RENAME_INDEXES = migrations.RunSQL(
    [f'ALTER INDEX "{a}" RENAME TO "{b}"' for a, b in INDEXES],
    [f'ALTER INDEX "{b}" RENAME TO "{a}"' for a, b in INDEXES],
)


def _move_content_types(source: str, target: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = ContentType.objects.using(schema_editor.connection.alias)
        taken = set(rows.filter(app_label=target).values_list("model", flat=True))
        rows.filter(app_label=source, model__in=[m for m in MODELS if m not in taken]).update(app_label=target)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("onboarding", "0008_usercertification_updated_at"),
        ("partners", "0009_web_urls"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[RENAME_INDEXES],
            state_operations=[
                migrations.CreateModel(
                    name='Course',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(allow_unicode=True, max_length=80, unique=True, verbose_name='slug')),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('language', models.CharField(choices=[('ja', 'Japanese'), ('en', 'English')], default='ja', max_length=2, verbose_name='language')),
                        ('pass_mark', models.PositiveSmallIntegerField(default=80, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='pass mark (%)')),
                        ('estimated_minutes', models.PositiveIntegerField(default=30, verbose_name='estimated minutes')),
                        ('is_published', models.BooleanField(db_index=True, default=False, verbose_name='published')),
                        ('external_id', models.CharField(blank=True, max_length=120, verbose_name='course id in the LMS')),
                        ('external_url', prm.text.weburl.WebURLField(blank=True, verbose_name='course URL in the LMS')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                    ],
                    options={
                            'db_table': 'onboarding_course',
                        'verbose_name': 'course',
                        'verbose_name_plural': 'courses',
                        'ordering': ['position', 'title'],
                    },
                ),
                migrations.CreateModel(
                    name='Certification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('name_ja', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('name_en', models.CharField(max_length=200, null=True, verbose_name='name')),
                        ('slug', models.SlugField(allow_unicode=True, max_length=80, unique=True, verbose_name='slug')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('description_ja', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('description_en', models.TextField(blank=True, null=True, verbose_name='description')),
                        ('validity_months', models.PositiveSmallIntegerField(default=12, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='valid for (months)')),
                        ('courses', models.ManyToManyField(help_text='Awarded when a person has passed all of these courses.', db_table='onboarding_certification_courses', related_name='certifications', to='training.course', verbose_name='required courses')),
                    ],
                    options={
                            'db_table': 'onboarding_certification',
                        'verbose_name': 'certification',
                        'verbose_name_plural': 'certifications',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='ExternalLMS',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('slug', models.SlugField(max_length=60, unique=True, verbose_name='slug')),
                        ('secret_salt', models.CharField(blank=True, editable=False, max_length=64)),
                        ('secret_fingerprint', models.CharField(blank=True, editable=False, help_text='The first characters of the SHA-256 of the shared secret, to tell secrets apart.', max_length=16, verbose_name='secret fingerprint')),
                        ('secret_rotated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='secret made')),
                        ('serves_all_partners', models.BooleanField(default=False, help_text='Otherwise only people of the partners chosen below are certified from this LMS.', verbose_name='serves every partner')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('partners', models.ManyToManyField(blank=True, db_table='onboarding_externallms_partners', related_name='+', to='partners.partner', verbose_name='partners served')),
                    ],
                    options={
                            'db_table': 'onboarding_externallms',
                        'verbose_name': 'external LMS',
                        'verbose_name_plural': 'external LMSs',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='course',
                    name='external_lms',
                    field=models.ForeignKey(blank=True, help_text='Taken in an external LMS, which reports completion to the webhook.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='courses', to='training.externallms', verbose_name='external LMS'),
                ),
                migrations.CreateModel(
                    name='Lesson',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='text (Markdown)')),
                        ('video_url', prm.text.weburl.WebURLField(blank=True, help_text='YouTube or Vimeo; shown as an embedded player.', verbose_name='video URL')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lessons', to='training.course', verbose_name='course')),
                    ],
                    options={
                            'db_table': 'onboarding_lesson',
                        'verbose_name': 'lesson',
                        'verbose_name_plural': 'lessons',
                        'ordering': ['course', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Enrollment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                        ('best_score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='best score (%)')),
                        ('passed_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='passed')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to='training.course', verbose_name='course')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to='partners.partner', verbose_name='partner')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('completed_lessons', models.ManyToManyField(blank=True, db_table='onboarding_enrollment_completed_lessons', related_name='+', to='training.lesson', verbose_name='completed lessons')),
                    ],
                    options={
                            'db_table': 'onboarding_enrollment',
                        'verbose_name': 'enrollment',
                        'verbose_name_plural': 'enrollments',
                        'ordering': ['-started_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LmsEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.CharField(max_length=120, verbose_name='event id')),
                        ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received')),
                        ('payload', models.JSONField(default=dict, verbose_name='payload')),
                        ('outcome', models.CharField(blank=True, max_length=40, verbose_name='outcome')),
                        ('lms', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='training.externallms', verbose_name='LMS')),
                    ],
                    options={
                            'db_table': 'onboarding_lmsevent',
                        'verbose_name': 'LMS event',
                        'verbose_name_plural': 'LMS events',
                        'ordering': ['-received_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('text', models.TextField(verbose_name='question')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='training.course', verbose_name='course')),
                    ],
                    options={
                            'db_table': 'onboarding_question',
                        'verbose_name': 'quiz question',
                        'verbose_name_plural': 'quiz questions',
                        'ordering': ['course', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Choice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('text', models.CharField(max_length=300, verbose_name='answer')),
                        ('is_correct', models.BooleanField(default=False, verbose_name='correct')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='training.question', verbose_name='question')),
                    ],
                    options={
                            'db_table': 'onboarding_choice',
                        'verbose_name': 'answer choice',
                        'verbose_name_plural': 'answer choices',
                        'ordering': ['question', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='QuizAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField(verbose_name='score (%)')),
                        ('passed', models.BooleanField(verbose_name='passed')),
                        ('answers', models.JSONField(default=dict, verbose_name='answers')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='taken')),
                        ('enrollment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='training.enrollment', verbose_name='enrollment')),
                    ],
                    options={
                            'db_table': 'onboarding_quizattempt',
                        'verbose_name': 'quiz attempt',
                        'verbose_name_plural': 'quiz attempts',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='UserCertification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(default=training.models.certificate_code, max_length=40, unique=True, verbose_name='verification code')),
                        ('issued_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='issued')),
                        ('valid_until', models.DateField(db_index=True, verbose_name='valid until')),
                        ('revoked', models.BooleanField(default=False, verbose_name='revoked')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('certification', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='awards', to='training.certification', verbose_name='certification')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certifications', to='partners.partner', verbose_name='partner')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='certifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                            'db_table': 'onboarding_usercertification',
                        'verbose_name': 'earned certification',
                        'verbose_name_plural': 'earned certifications',
                        'ordering': ['-issued_on', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='course',
                    constraint=models.CheckConstraint(condition=models.Q(('external_lms__isnull', True), models.Q(('external_id', ''), _negated=True), _connector='OR'), name='course_external_needs_id'),
                ),
                migrations.AddConstraint(
                    model_name='course',
                    constraint=models.UniqueConstraint(condition=models.Q(('external_lms__isnull', False)), fields=('external_lms', 'external_id'), name='course_unique_external_id'),
                ),
                migrations.AddConstraint(
                    model_name='course',
                    constraint=models.CheckConstraint(condition=models.Q(('external_url', ''), ('external_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='course_external_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
                ),
                migrations.AddConstraint(
                    model_name='lesson',
                    constraint=models.CheckConstraint(condition=models.Q(('video_url', ''), ('video_url__iregex', '^https?://[^/?#[:space:][:cntrl:]\\\\][^[:space:][:cntrl:]\\\\]*$'), _connector='OR'), name='lesson_video_url_web_url', violation_error_message='Enter a web address that starts with https:// (or http://).'),
                ),
                migrations.AddConstraint(
                    model_name='enrollment',
                    constraint=models.UniqueConstraint(fields=('course', 'user'), name='enrollment_unique_user'),
                ),
                migrations.AddConstraint(
                    model_name='lmsevent',
                    constraint=models.UniqueConstraint(fields=('lms', 'event_id'), name='lmsevent_unique_event'),
                ),
                migrations.AddIndex(
                    model_name='usercertification',
                    index=models.Index(fields=['partner', 'valid_until'], name='usercert_partner_valid_until'),
                ),
                migrations.AddConstraint(
                    model_name='usercertification',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('issued_on'))), name='cert_valid_range'),
                ),
                migrations.AddConstraint(
                    model_name='usercertification',
                    constraint=models.UniqueConstraint(fields=('certification', 'user', 'issued_on'), name='cert_unique_per_day'),
                ),
            ],
        ),
        migrations.RunPython(
            _move_content_types("onboarding", "training"), _move_content_types("training", "onboarding")
        ),
    ]
