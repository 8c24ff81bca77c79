"""Issue 24: training's models moved to the training app with their tables (renamed there, in
training's 0001). Here onboarding forgets them and points its links (plan and template tasks'
course and certification, the expiry reminder's certificate) at training's models; the
database is not touched: the tables, their rows and the foreign keys' constraints already are
where these say."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0008_usercertification_updated_at"),
        ("training", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='certification',
                    name='courses',
                ),
                migrations.RemoveField(
                    model_name='usercertification',
                    name='certification',
                ),
                migrations.AlterField(
                    model_name='templatetask',
                    name='certification',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.certification', verbose_name='certification'),
                ),
                migrations.AlterField(
                    model_name='onboardingtask',
                    name='certification',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.certification', verbose_name='certification'),
                ),
                migrations.RemoveField(
                    model_name='choice',
                    name='question',
                ),
                migrations.RemoveField(
                    model_name='course',
                    name='external_lms',
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='course',
                ),
                migrations.AlterField(
                    model_name='onboardingtask',
                    name='course',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.course', verbose_name='course'),
                ),
                migrations.RemoveField(
                    model_name='question',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='lesson',
                    name='course',
                ),
                migrations.AlterField(
                    model_name='templatetask',
                    name='course',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.course', verbose_name='course'),
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='completed_lessons',
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='quizattempt',
                    name='enrollment',
                ),
                migrations.RemoveField(
                    model_name='externallms',
                    name='partners',
                ),
                migrations.RemoveField(
                    model_name='lmsevent',
                    name='lms',
                ),
                migrations.RemoveField(
                    model_name='usercertification',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='usercertification',
                    name='user',
                ),
                migrations.AlterField(
                    model_name='reminderlog',
                    name='user_certification',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='training.usercertification', verbose_name='earned certification'),
                ),
                migrations.DeleteModel(
                    name='Certification',
                ),
                migrations.DeleteModel(
                    name='Choice',
                ),
                migrations.DeleteModel(
                    name='Question',
                ),
                migrations.DeleteModel(
                    name='Course',
                ),
                migrations.DeleteModel(
                    name='Lesson',
                ),
                migrations.DeleteModel(
                    name='Enrollment',
                ),
                migrations.DeleteModel(
                    name='QuizAttempt',
                ),
                migrations.DeleteModel(
                    name='ExternalLMS',
                ),
                migrations.DeleteModel(
                    name='LmsEvent',
                ),
                migrations.DeleteModel(
                    name='UserCertification',
                ),
            ],
            database_operations=[],
        ),
    ]
