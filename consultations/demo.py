"""Demo data for consultations, called by `seed_demo`: the demo psychologist's profile
and hours, published terms, and the demo client's bookings. Safe to run again.

The demo client always has one talk whose call can be joined right after `seed_demo`
runs, so that the call can be shown without waiting; those rows are written directly
because such a time is usually outside the specialist's hours or notice period.
While `make run` runs, `demo_talk_keep` (scheduled every minute) books the next one
when that talk is over.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    ACTIVE_STATUSES,
    JOIN_EARLY,
    Booking,
    BookingStatus,
    ConsentTerms,
    SpecialistKind,
    SpecialistProfile,
    Topic,
    WeeklyHours,
)
from .selectors import local_zone
from .services import BookingError, booking_joinable_ensure, consent_accept

logger = logging.getLogger(__name__)

# 2026-1 was written in Uzbek alone; 2026-2 says the same in every language.
DEMO_TERMS_VERSION = "2026-2"
OLD_DEMO_TERMS_VERSION = "2026-1"
DEMO_TERMS_TEXT = """\
Bu shartlar Koʻmak orqali psixolog yoki ijtimoiy xodim bilan onlayn suhbatlar uchun.

Biz nimani saqlaymiz: ismingiz, telefon raqamingiz, suhbat vaqti va mavzusi, suhbat \
boʻlib oʻtgan-oʻtmagani, ulanishni tekshirish natijasi. Mutaxassis suhbat haqida \
oʻzi uchun qisqa eslatma yozishi mumkin; uni faqat shu mutaxassis koʻradi.

Biz nimani yozib olmaymiz: suhbatning ovozi ham, tasviri ham yozib olinmaydi va \
saqlanmaydi. Suhbat faqat siz va mutaxassis oʻrtasida boʻladi.

Suhbat bepul va ixtiyoriy. Istalgan paytda suhbatni toʻxtatishingiz mumkin.

Roziligingizni istalgan vaqtda qaytarib olishingiz mumkin: «Mening uchrashuvlarim» \
sahifasidagi «Onlayn suhbatlar shartlari» havolasini oching. Shunda keyingi suhbatdan \
oldin sizdan yana soʻraymiz.

Agar sizga yoki boshqa odamga hozir xavf tahdid solayotgan boʻlsa, 112 raqamiga \
qoʻngʻiroq qiling.
"""

SPECIALIST_BIO = (
    "Assalomu alaykum! Men Aziz Tursunov, psixologman. 12 yildan beri keksalar va "
    "ularning oilalari bilan ishlayman. Yolgʻizlik, oiladagi kelishmovchilik, yaqin "
    "insonni yoʻqotish va tashvish haqida bemalol gaplashamiz. Shoshilmasdan, oddiy "
    "soʻzlar bilan tushuntiraman."
)

WORKING_DAYS = range(0, 6)  # Monday to Saturday
DAY_START, DAY_END = time(9, 0), time(18, 0)
OPEN_BOOKING_LEAD = timedelta(minutes=5)
OPEN_BOOKING_LENGTH = timedelta(minutes=45)


def _specialist_ensure(user) -> SpecialistProfile:
    profile, _created = SpecialistProfile.objects.get_or_create(
        user=user,
        defaults={
            "kind": SpecialistKind.PSYCHOLOGIST,
            "languages": ["uz", "ru"],
            "topics": [
                Topic.LONELINESS,
                Topic.FAMILY_CONFLICT,
                Topic.GRIEF,
                Topic.ANXIETY,
            ],
            "bio": SPECIALIST_BIO,
            "session_minutes": 45,
            "buffer_minutes": 15,
        },
    )
    if not profile.weekly_hours.exists():
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                specialist=profile,
                weekday=weekday,
                start_time=DAY_START,
                end_time=DAY_END,
            )
            for weekday in WORKING_DAYS
        )
    return profile


# The demo's terms, in Uzbek (the model's own fields) and in the other interface
# languages, so that the consent page can be read and agreed to in each of them.
DEMO_TERMS_UZ = {
    "operator": "Koʻmak (namuna tashkilot), Toshkent sh. Telefon: +998 71 000 00 00.",
    "purposes": "Psixolog yoki ijtimoiy xodim bilan onlayn suhbatni tashkil etish "
    "va eslatmalar yuborish.",
    "data_categories": "Ism, telefon raqami, suhbat vaqti va mavzusi, "
    "aloqa tekshiruvi natijalari, mutaxassisning yopiq qaydlari "
    "(sogʻliq haqidagi maʼlumot).",
    "term": "Rozilik qaytarib olinguncha amal qiladi; suhbat maʼlumotlari "
    "3 yildan keyin anonimlashtiriladi.",
    "third_parties": "Uchinchi shaxslarga berilmaydi va Oʻzbekistondan "
    "tashqariga chiqarilmaydi.",
    "text": DEMO_TERMS_TEXT,
}

DEMO_TERMS_TRANSLATIONS = {
    "ru": {
        "operator": "Koʻmak (демонстрационная организация), г. Ташкент. "
        "Телефон: +998 71 000 00 00.",
        "purposes": "Организация онлайн-беседы с психологом или социальным "
        "работником и отправка напоминаний.",
        "data_categories": "Имя, номер телефона, время и тема беседы, результаты "
        "проверки связи, закрытые заметки специалиста (сведения о здоровье).",
        "term": "Согласие действует, пока вы его не отзовёте; данные о беседах "
        "обезличиваются через 3 года.",
        "third_parties": "Третьим лицам не передаются и за пределы Узбекистана не "
        "вывозятся.",
        "text": """\
Эти условия касаются онлайн-бесед с психологом или социальным работником через \
Koʻmak.

Что мы храним: ваше имя, номер телефона, время и тему беседы, состоялась ли \
беседа, результат проверки связи. Специалист может написать для себя короткую \
заметку о беседе; её видит только этот специалист.

Что мы не записываем: ни звук, ни изображение беседы не записываются и не \
хранятся. Беседа идёт только между вами и специалистом.

Беседа бесплатная и добровольная. Вы можете прекратить её в любой момент.

Вы можете отозвать согласие в любое время: откройте ссылку «Условия \
онлайн-бесед» на странице «Мои беседы». Тогда перед следующей беседой мы \
спросим вас снова.

Если вам или другому человеку сейчас грозит опасность, позвоните по номеру 112.
""",
    },
    "kaa": {
        "operator": "Koʻmak (úlgi shólkem), Tashkent q. Telefon: +998 71 000 00 00.",
        "purposes": "Psixolog yamasa sociallıq xızmetker menen onlayn sáwbetti "
        "shólkemlestiriw hám eskertiwler jiberiw.",
        "data_categories": "Atı, telefon nomeri, sáwbettiń waqtı hám teması, "
        "baylanıstı tekseriw nátiyjeleri, qánigeniń jabıq jazbaları "
        "(densawlıq haqqında maǵlıwmat).",
        "term": "Razılıq qaytarıp alınǵanǵa shekem kúshke iye; sáwbet "
        "maǵlıwmatları 3 jıldan soń anonimlestiriledi.",
        "third_parties": "Úshinshi tárepke berilmeydi hám Ózbekstannan sırtqa "
        "shıǵarılmaydı.",
        "text": """\
Bul shártler Koʻmak arqalı psixolog yamasa sociallıq xızmetker menen onlayn \
sáwbetler ushın.

Biz neni saqlaymız: atıńız, telefon nomerińiz, sáwbettiń waqtı hám teması, \
sáwbettiń bolǵan-bolmaǵanı, baylanıstı tekseriw nátiyjesi. Qánige sáwbet haqqında \
ózi ushın qısqa eskertpe jazıwı múmkin; onı tek usı qánige kóredi.

Biz neni jazıp almaymız: sáwbettiń dawısı da, súwreti de jazıp alınbaydı hám \
saqlanbaydı. Sáwbet tek siz benen qánige arasında boladı.

Sáwbet biypul hám óz erkińiz benen. Sáwbetti qálegen waqıtta toqtatıwıńız múmkin.

Razılıǵıńızdı qálegen waqıtta qaytarıp alıwıńız múmkin: «Sáwbetlerim» \
betindegi «Onlayn sáwbetler shártleri» siltemesin ashıń. Sonda keyingi sáwbetten \
aldın sizden jáne soraymız.

Eger sizge yamasa basqa adamǵa házir qáwip tónip tursa, 112 nomerine qońıraw \
etiń.
""",
    },
    "en": {
        "operator": "Koʻmak (demonstration organisation), Tashkent. "
        "Telephone: +998 71 000 00 00.",
        "purposes": "Arranging an online talk with a psychologist or a social "
        "worker, and sending reminders.",
        "data_categories": "Name, telephone number, time and topic of the talk, "
        "results of the connection check, the specialist's private notes "
        "(health data).",
        "term": "Valid until you withdraw it; data about talks is anonymised "
        "after 3 years.",
        "third_parties": "Not given to anyone else and not taken out of Uzbekistan.",
        "text": """\
These terms are for online talks with a psychologist or a social worker through \
Koʻmak.

What we keep: your name, your telephone number, the time and topic of the talk, \
whether the talk took place, and the result of the connection check. The \
specialist may write a short note about the talk for themselves; only that \
specialist sees it.

What we do not record: neither the sound nor the picture of the talk is recorded \
or kept. The talk is only between you and the specialist.

The talk is free and voluntary. You can stop it at any moment.

You can withdraw your agreement at any time: open the link "Terms for online \
talks" on the "My appointments" page. We will then ask you again before your next \
talk.

If you or someone else is in danger right now, call 112.
""",
    },
}


def _terms_ensure() -> ConsentTerms:
    """The latest terms: a site's own are kept as they are; the demo's are published
    if there are none. The demo's first version (2026-1) was in Uzbek alone, and a
    version someone accepted cannot be given translations afterwards, so an older
    demo database gets the demo's new version, and everyone is asked again."""
    terms = ConsentTerms.objects.order_by("-published_at").first()
    if terms is None or (
        terms.version == OLD_DEMO_TERMS_VERSION and terms.text == DEMO_TERMS_TEXT
    ):
        terms, _created = ConsentTerms.objects.get_or_create(
            version=DEMO_TERMS_VERSION,
            defaults={**DEMO_TERMS_UZ, "translations": DEMO_TERMS_TRANSLATIONS},
        )
    return terms


def _free_start(profile: SpecialistProfile, starts_at: datetime) -> datetime:
    """The wished start, or an hour later and so on if another client has it."""
    taken = Booking.objects.filter(specialist=profile, status__in=ACTIVE_STATUSES)
    while taken.filter(starts_at=starts_at).exists():
        starts_at += timedelta(hours=1)
    return starts_at


def _open_booking_ensure(client, profile, now: datetime) -> Booking:
    """(a) A confirmed talk whose join window is open now."""
    demo = Booking.objects.filter(
        client=client, specialist=profile, status=BookingStatus.CONFIRMED
    )
    open_now = demo.filter(starts_at__lte=now + JOIN_EARLY, ends_at__gte=now).first()
    if open_now is not None:
        return open_now
    starts_at = now.replace(second=0, microsecond=0) + OPEN_BOOKING_LEAD
    starts_at = _free_start(profile, starts_at)
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=Topic.LONELINESS,
        starts_at=starts_at,
        ends_at=starts_at + OPEN_BOOKING_LENGTH,
    )


def _future_booking_ensure(client, profile, now: datetime) -> Booking:
    """(b) A talk in three days at 10:00 Tashkent (Monday if that is a Sunday)."""
    later = Booking.objects.filter(
        client=client,
        specialist=profile,
        status=BookingStatus.CONFIRMED,
        starts_at__gt=now + timedelta(days=1),
    ).first()
    if later is not None:
        return later
    day = timezone.localdate(now) + timedelta(days=3)
    if day.weekday() not in WORKING_DAYS:
        day += timedelta(days=1)
    starts_at = _free_start(
        profile, datetime.combine(day, time(10, 0), tzinfo=local_zone())
    )
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=Topic.FAMILY_CONFLICT,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=profile.session_minutes),
    )


def _past_booking_ensure(client, profile, now: datetime) -> Booking:
    """(c) A talk that took place a week ago."""
    past = Booking.objects.filter(
        client=client, specialist=profile, status=BookingStatus.COMPLETED
    ).first()
    if past is not None:
        return past
    day = timezone.localdate(now) - timedelta(days=7)
    starts_at = _free_start(
        profile, datetime.combine(day, time(11, 0), tzinfo=local_zone())
    )
    ends_at = starts_at + timedelta(minutes=profile.session_minutes)
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=Topic.LONELINESS,
        starts_at=starts_at,
        ends_at=ends_at,
        status=BookingStatus.COMPLETED,
        client_joined_at=starts_at - timedelta(minutes=3),
        specialist_joined_at=starts_at - timedelta(minutes=5),
        admitted_at=starts_at,
        ended_at=ends_at,
        precall_checked_at=starts_at - timedelta(minutes=10),
        precall_result={
            "rtt_ms": 140,
            "loss_percent": 0.5,
            "relay": False,
            "verdict": "video",
        },
    )


# The demo people's usernames (cms/demo_users.py, which README and tests rely on).
DEMO_CLIENT_USERNAME = "client"
DEMO_SPECIALIST_USERNAME = "specialist"


def demo_talk_keep(*, now: datetime | None = None) -> Booking | None:
    """Keep one talk between the demo client and the demo specialist joinable while
    `make run` runs (KOMAK_DEMO_KEEP_TALK; never in production): the one made by
    `seed_demo` is over 50 minutes later, and a newcomer who comes back would find
    nothing to join. Books through the booking service, so it stops if the demo
    client withdraws consent; does nothing without the demo accounts. Returns the
    talk it booked, if any."""
    if not settings.KOMAK_DEMO_KEEP_TALK:
        return None
    client = get_user_model().objects.filter(username=DEMO_CLIENT_USERNAME).first()
    profile = SpecialistProfile.objects.filter(
        user__username=DEMO_SPECIALIST_USERNAME
    ).first()
    if client is None or profile is None:
        return None
    try:
        return booking_joinable_ensure(
            client=client,
            specialist=profile,
            topic=Topic.LONELINESS,
            lead=OPEN_BOOKING_LEAD,
            now=now,
        )
    except BookingError as error:
        # Another talk of the client's is in the way, or the cap is reached; the
        # next run tries again.
        logger.info("Demo talk not booked: %s", error.message)
        return None


def seed_consultations(users: dict, *, now: datetime | None = None) -> None:
    """Give the demo `specialist` a profile and hours, publish terms, and give the demo
    `client` consent and three bookings: one open to join now, one in three days and
    one a week ago. `users` maps demo usernames to users."""
    now = now or timezone.now()
    profile = _specialist_ensure(users["specialist"])
    _terms_ensure()
    client = users["client"]
    consent_accept(user=client)
    _open_booking_ensure(client, profile, now)
    _future_booking_ensure(client, profile, now)
    _past_booking_ensure(client, profile, now)
