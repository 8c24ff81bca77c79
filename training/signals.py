"""What training tells the apps above it (they connect in AppConfig.ready()).

Both are sent after the transaction that recorded them commits; a failing receiver raises.

`course_passed`: sender=Enrollment, kwargs `enrollment_id`, `course_id`, `partner`, `user`
(onboarding completes "finish this course" tasks).
`certified`: sender=UserCertification, kwargs `user_certification_id`, `certification_id`,
`partner`, `user` (onboarding completes "earn this certification" tasks)."""

import django.dispatch

course_passed = django.dispatch.Signal()
certified = django.dispatch.Signal()
