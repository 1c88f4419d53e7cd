"""Demo course content in Uzbek (Latin script) for the seed_demo command.

Plain data only. COURSES is a list of courses; each course has a slug, title,
audience ("older" or "social_workers"), level ("beginner" or "intermediate"),
estimated_minutes, summary, outcomes, picture (a drawing in cms/demo_pictures/,
without ".svg"), cover_alt (what the picture shows) and lessons. Each lesson has a
slug, title, summary, minutes and a body: a list of (block_type, value) pairs,
where block_type is "text" (rich text HTML), "step" (the instruction, or a dict of
instruction, picture and picture_alt), "tip", "warning",
"transcript", "question" (a dict with question, multiple and options) or
"simulation" (the raw value of `cms.simulation_blocks.SimulationBlock`: title,
intro, screens as StreamField data, endings).

Spelling follows the official Uzbek Latin alphabet: the letters o and g with
U+02BB (as in "oʻzbek", "bogʻ") and the tutuq belgisi as U+02BC (as in
"maʼlumot"). No straight ASCII apostrophes are used in the content.
"""

# Practice simulations used by the lessons below (the raw value of
# `cms.simulation_blocks.SimulationBlock`), kept apart so the lessons stay readable.

PRIZE_SMS_SIMULATION = {
    "title": "Mashq: “yutuq” haqida SMS",
    "intro": (
        "Telefoningizga katta pul yutganingiz haqida SMS keladi. Har bir ekranda nima "
        "qilishingizni tanlang. Bu faqat mashq: hech bir xabar va havola haqiqiy emas."
    ),
    "screens": [
        {
            "type": "message",
            "value": {
                "key": "sms",
                "app": "sms",
                "sender": "+998 90 000 00 00",
                "text": (
                    "Tabriklaymiz! Siz “Bayram aksiyasi”da 5 000 000 soʻm yutdingiz. "
                    "Yutuqni olish uchun 24 soat ichida havolaga kiring."
                ),
                "link_text": "yutuq-olish.example",
                "choices": [
                    {"label": "Havolani ochaman", "next": "sayt"},
                    {"label": "Yuboruvchiga qoʻngʻiroq qilaman", "next": "qongiroq"},
                    {
                        "label": "Xabarni oʻchirib, raqamni bloklayman",
                        "next": "xavfsiz",
                    },
                ],
            },
        },
        {
            "type": "form",
            "value": {
                "key": "sayt",
                "title": "Yutuqni olish",
                "intro": (
                    "Pulni kartangizga oʻtkazamiz. Karta maʼlumotlarini va SMS orqali "
                    "kelgan kodni kiriting."
                ),
                "fields": [
                    {"label": "Karta raqami", "kind": "number"},
                    {"label": "Karta amal qilish muddati", "kind": "date"},
                    {"label": "SMS kod", "kind": "code"},
                ],
                "choices": [
                    {"label": "Maʼlumotlarni yuboraman", "next": "karta-berildi"},
                    {
                        "label": "Hech narsa yozmay, sahifani yopaman",
                        "next": "xavfsiz",
                    },
                ],
            },
        },
        {
            "type": "call",
            "value": {
                "key": "qongiroq",
                "caller_name": "Aksiya tashkilotchisi",
                "caller_number": "+998 90 000 00 00",
                "says": (
                    "Yutugʻingizni yuborishimiz uchun avval 150 000 soʻm “soliq” "
                    "toʻlashingiz kerak. Hozir karta raqamini aytaman, pul oʻtkazing."
                ),
                "choices": [
                    {"label": "Pulni oʻtkazaman", "next": "pul-yuborildi"},
                    {
                        "label": "Goʻshakni qoʻyib, raqamni bloklayman",
                        "next": "xavfsiz",
                    },
                ],
            },
        },
    ],
    "endings": [
        {
            "key": "karta-berildi",
            "safe": False,
            "title": "Firibgar kartangizdagi pulni yechib oldi",
            "explanation": (
                "Yutuq berish uchun hech kim karta muddatini va SMS kodni soʻramaydi. "
                "Siz qatnashmagan aksiyada yutib boʻlmaydi. Maʼlumotni yuborib "
                "qoʻygan boʻlsangiz, darhol bankka qoʻngʻiroq qilib, kartani bloklating."
            ),
        },
        {
            "key": "pul-yuborildi",
            "safe": False,
            "title": "“Soliq” uchun pulingiz ketdi",
            "explanation": (
                "Haqiqiy yutuq uchun oldindan pul toʻlanmaydi. Firibgar endi yana "
                "pul soʻraydi. Qaytib qoʻngʻiroq qilmang, raqamni bloklang va "
                "yaqinlaringizga aytib bering."
            ),
        },
        {
            "key": "xavfsiz",
            "safe": True,
            "title": "Toʻgʻri qildingiz!",
            "explanation": (
                "Siz qatnashmagan tanlovda yutib boʻlmaydi. Bunday xabardagi havolani "
                "ochmang va yuboruvchiga qoʻngʻiroq qilmang: xabarni oʻchiring va "
                "raqamni bloklang."
            ),
        },
    ],
}

NEW_NUMBER_SIMULATION = {
    "title": "Mashq: “Oyi, bu mening yangi raqamim”",
    "intro": (
        "Messenjerda notanish raqamdan farzandingiz nomidan xabar keladi. Har bir "
        "ekranda nima qilishingizni tanlang. Bu faqat mashq: hech bir xabar haqiqiy emas."
    ),
    "screens": [
        {
            "type": "message",
            "value": {
                "key": "xabar",
                "app": "messenger",
                "sender": "+998 93 000 00 00",
                "text": (
                    "Assalomu alaykum, oyi! Bu mening yangi raqamim, eski telefonim "
                    "buzildi. Eski raqamimni oʻchirib, buni saqlab qoʻying."
                ),
                "link_text": "",
                "choices": [
                    {"label": "Raqamni saqlab, javob yozaman", "next": "pul-sorash"},
                    {
                        "label": "Farzandimning eski raqamiga qoʻngʻiroq qilib, tekshiraman",  # noqa: E501
                        "next": "xavfsiz",
                    },
                ],
            },
        },
        {
            "type": "message",
            "value": {
                "key": "pul-sorash",
                "app": "messenger",
                "sender": "+998 93 000 00 00",
                "text": (
                    "Oyi, zudlik bilan 2 000 000 soʻm kerak, ertaga qaytaraman. Hozir "
                    "gapira olmayman. Mana bu kartaga tashlang: 8600 0000 0000 0000."
                ),
                "link_text": "",
                "choices": [
                    {"label": "Darrov pul oʻtkazaman", "next": "pul-yuborildi"},
                    {"label": "Ovozli xabar yuborishini soʻrayman", "next": "bahona"},
                    {
                        "label": "Eski raqamiga qoʻngʻiroq qilib, oʻzidan soʻrayman",
                        "next": "xavfsiz",
                    },
                ],
            },
        },
        {
            "type": "message",
            "value": {
                "key": "bahona",
                "app": "messenger",
                "sender": "+998 93 000 00 00",
                "text": (
                    "Majlisdaman, ovoz yubora olmayman. Iltimos, tezroq! Kartangizga "
                    "kelgan SMS kodni ham yuboring, limit bor ekan."
                ),
                "link_text": "",
                "choices": [
                    {
                        "label": "Pulni ham, kodni ham yuboraman",
                        "next": "kod-yuborildi",
                    },
                    {"label": "Faqat pulni oʻtkazaman", "next": "pul-yuborildi"},
                    {
                        "label": "Hech narsa yubormay, eski raqamiga qoʻngʻiroq qilaman",
                        "next": "xavfsiz",
                    },
                ],
            },
        },
    ],
    "endings": [
        {
            "key": "pul-yuborildi",
            "safe": False,
            "title": "Pulingiz firibgarga ketdi",
            "explanation": (
                "Yozgan odam farzandingiz emas edi. Yangi raqamdan pul soʻrashsa, "
                "avval eski raqamga qoʻngʻiroq qiling yoki faqat oilangiz biladigan "
                "savol bering. Pul oʻtkazib qoʻygan boʻlsangiz, darhol bankka "
                "qoʻngʻiroq qiling."
            ),
        },
        {
            "key": "kod-yuborildi",
            "safe": False,
            "title": "Firibgar kartangizni ham egalladi",
            "explanation": (
                "SMS kod bilan firibgar kartangizdagi hamma pulni yechib oladi. Kodni "
                "hech kimga, hatto farzandingiz nomidan yozganga ham yubormang. "
                "Darhol bankka qoʻngʻiroq qilib, kartani bloklating."
            ),
        },
        {
            "key": "xavfsiz",
            "safe": True,
            "title": "Toʻgʻri qildingiz!",
            "explanation": (
                "Yaqiningiz nomidan yangi raqamdan yozib, pul soʻrashsa, avval uning "
                "oʻziga eski raqamiga qoʻngʻiroq qiling. Shoshiltirish — firibgarning "
                "belgisi."
            ),
        },
    ],
}

RESIDENCE_CERTIFICATE_SIMULATION = {
    "title": "Mashq: yashash joyidan maʼlumotnoma olish",
    "intro": (
        "Sizga yashash joyidan maʼlumotnoma kerak va uni my.gov.uz portalida "
        "soʻramoqchisiz. Har bir ekranda nima qilishingizni tanlang. Bu faqat mashq: "
        "yozganingiz hech qayerga yuborilmaydi."
    ),
    "screens": [
        {
            "type": "message",
            "value": {
                "key": "reklama",
                "app": "sms",
                "sender": "GOV-XIZMAT",
                "text": (
                    "Maʼlumotnomani navbatsiz, 5 daqiqada oling! Arizani shu yerda "
                    "toʻldiring."
                ),
                "link_text": "my-gov-uz.example",
                "choices": [
                    {"label": "Havolani ochaman", "next": "soxta-portal"},
                    {
                        "label": "Brauzerda my.gov.uz manzilini oʻzim yozaman",
                        "next": "xizmat",
                    },
                ],
            },
        },
        {
            "type": "form",
            "value": {
                "key": "soxta-portal",
                "title": "Davlat xizmatlari: maʼlumotnoma",
                "intro": (
                    "Manzil satrida: my-gov-uz.example. Xizmat narxi 25 000 soʻm. "
                    "Toʻlash uchun karta maʼlumotlarini kiriting."
                ),
                "fields": [
                    {"label": "Pasport seriyasi va raqami", "kind": "passport"},
                    {"label": "Karta raqami", "kind": "number"},
                    {"label": "Karta amal qilish muddati", "kind": "date"},
                    {"label": "SMS kod", "kind": "code"},
                ],
                "choices": [
                    {
                        "label": "Karta maʼlumotlarini yozib, toʻlayman",
                        "next": "karta-berildi",
                    },
                    {
                        "label": "Manzil my.gov.uz emas: sahifani yopib, portalni oʻzim ochaman",  # noqa: E501
                        "next": "xizmat",
                    },
                ],
            },
        },
        {
            "type": "form",
            "value": {
                "key": "xizmat",
                "title": "my.gov.uz: Yagona interaktiv davlat xizmatlari portali",
                "intro": "Manzil satrida: my.gov.uz. Kerakli xizmatni qidiring.",
                "fields": [{"label": "Xizmat nomi", "kind": "text"}],
                "choices": [
                    {
                        "label": "“Yashash joyidan maʼlumotnoma” xizmatini tanlayman",
                        "next": "pasport",
                    },
                ],
            },
        },
        {
            "type": "form",
            "value": {
                "key": "pasport",
                "title": "Yashash joyidan maʼlumotnoma",
                "intro": "Pasportingiz maʼlumotlarini kiriting.",
                "fields": [
                    {"label": "Pasport seriyasi va raqami", "kind": "passport"},
                    {"label": "Tugʻilgan sana", "kind": "date"},
                ],
                "choices": [{"label": "Davom etaman", "next": "tasdiq"}],
            },
        },
        {
            "type": "form",
            "value": {
                "key": "tasdiq",
                "title": "Arizani tasdiqlash",
                "intro": (
                    "Maʼlumotlaringizni tekshiring. Shu paytda Telegramda notanish "
                    "odam yozadi: “100 000 soʻm tashlang, maʼlumotnomani bugun "
                    "tezlashtirib beraman.”"
                ),
                "fields": [{"label": "Telefon raqamingiz", "kind": "number"}],
                "choices": [
                    {
                        "label": "Notanish odamga pul oʻtkazaman, tezroq boʻlsin",
                        "next": "begonaga-pul",
                    },
                    {
                        "label": "Notanishga javob bermay, arizani portalda tasdiqlayman",  # noqa: E501
                        "next": "xavfsiz",
                    },
                ],
            },
        },
    ],
    "endings": [
        {
            "key": "karta-berildi",
            "safe": False,
            "title": "Soxta portal kartangizdagi pulni oldi",
            "explanation": (
                "Sahifa my.gov.uz ga oʻxshardi, lekin manzili boshqa edi. Portalni "
                "har doim manzilini oʻzingiz yozib oching va manzil satrini tekshiring. "
                "Karta maʼlumotini yozib qoʻygan boʻlsangiz, darhol bankka qoʻngʻiroq "
                "qilib, kartani bloklating."
            ),
        },
        {
            "key": "begonaga-pul",
            "safe": False,
            "title": "Pulingizni notanish odamga berdingiz",
            "explanation": (
                "Davlat xizmatini hech kim pulga “tezlashtirib” bermaydi. Davlat "
                "boji boʻlsa, faqat portalning oʻzida toʻlanadi, hech qachon birovning "
                "shaxsiy kartasiga emas."
            ),
        },
        {
            "key": "xavfsiz",
            "safe": True,
            "title": "Toʻgʻri qildingiz! Ariza haqiqiy portalga yuborildi",
            "explanation": (
                "Siz manzil my.gov.uz ekanini tekshirdingiz va notanish odamga pul "
                "bermadingiz. Maʼlumotnoma tayyor boʻlganda portaldagi shaxsiy "
                "kabinetingizda koʻrinadi."
            ),
        },
    ],
}

COURSES = [
    # ------------------------------------------------------------------
    # 1. Smartfon asoslari
    # ------------------------------------------------------------------
    {
        "slug": "smartfon-asoslari",
        "picture": "smartfon-asoslari",
        "title": "Smartfon asoslari",
        "audience": "older",
        "level": "beginner",
        "estimated_minutes": 40,
        "summary": (
            "Telefonni yoqish, qulflash, qoʻngʻiroq qilish va SMS oʻqishni oddiy qadamlar bilan "
            "oʻrganasiz. Shoshilmang, har bir qadamni oʻz telefoningizda takrorlang."
        ),
        "outcomes": [
            "Telefonni yoqish va oʻchirish",
            "Ekranni PIN-kod bilan qulflash",
            "Ovozni sozlash va telefonni toʻgʻri quvvatlash",
            "Qoʻngʻiroq qilish va raqamni kontaktga saqlash",
            "SMS oʻqish va yozuvni kattalashtirish",
        ],
        "cover_alt": "Qoʻlida smartfon ushlagan keksa ayol ekranga tabassum bilan qaramoqda",
        "lessons": [
            {
                "slug": "telefonni-yoqish",
                "title": "Telefonni yoqish va ekran qulfi",
                "summary": "Telefonni yoqish, oʻchirish va ekranni PIN-kod bilan qulflashni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Smartfonda tugmalar kam. Eng muhimi — <b>quvvat tugmasi</b>. "
                        "U odatda telefonning oʻng yon tomonida joylashgan.</p>"
                        "<p>Bu darsda telefonni yoqishni va uni begonalardan himoya qilishni "
                        "oʻrganamiz.</p>",
                    ),
                    (
                        "step",
                        {
                            "instruction": "Telefonning yon tomonidagi quvvat tugmasini toping. "
                            "Uni 3–4 soniya bosib turing va ekran yonguncha kuting.",
                            "picture": "step-quvvat-tugmasi",
                            "picture_alt": "Barmoq telefonning yon tomonidagi sariq quvvat tugmasini bosib turibdi",
                        },
                    ),
                    (
                        "step",
                        "Ekran yonsa, barmogʻingizni ekran boʻylab pastdan yuqoriga suring. "
                        "Shunda telefon ochiladi.",
                    ),
                    (
                        "step",
                        "Telefonni oʻchirish uchun quvvat tugmasini yana bosib turing. "
                        "Ekranda “Oʻchirish” yozuvi chiqsa, unga bosing.",
                    ),
                    (
                        "step",
                        "Ekran qulfini qoʻyish uchun “Sozlamalar” ilovasini oching. "
                        "“Ekran qulfi” yoki “Xavfsizlik” boʻlimiga kiring.",
                    ),
                    (
                        "step",
                        "“PIN-kod” ni tanlang. Oʻzingiz eslab qoladigan 4–6 ta raqamni "
                        "ikki marta kiriting.",
                    ),
                    (
                        "tip",
                        "Menyudagi soʻzlar telefoningizda biroz boshqacha boʻlishi mumkin. "
                        "Kerakli boʻlimni topa olmasangiz, “Sozlamalar” ichidagi lupa belgisini "
                        "bosing va “qulf” soʻzini yozing.",
                    ),
                    (
                        "warning",
                        "PIN-kodni hech kimga aytmang va uni telefon gʻilofiga yozib qoʻymang. "
                        "Tugʻilgan yilingizni yoki 1111, 1234 kabi oson kodni tanlamang.",
                    ),
                    (
                        "transcript",
                        "Assalomu alaykum! Bugun telefonni yoqishni oʻrganamiz. "
                        "Telefonning yon tomonida bitta uzunroq tugma bor, bu quvvat tugmasi. "
                        "Uni bir necha soniya bosib turing, ekran yorishadi. "
                        "Endi barmogʻingiz bilan ekranni pastdan yuqoriga suring. "
                        "Telefoningizni begonalardan himoya qilish uchun PIN-kod qoʻying. "
                        "Bu kodni faqat oʻzingiz biling. "
                        "Shoshilmang, xato qilsangiz, qaytadan urinib koʻring.",
                    ),
                    (
                        "question",
                        {
                            "question": "Telefonni yoqish uchun nima qilish kerak?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Quvvat tugmasini bir necha soniya bosib turish",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, quvvat tugmasi bosib turilsa, telefon yonadi.",
                                },
                                {
                                    "text": "Ovoz tugmasini bir marta bosish",
                                    "correct": False,
                                    "feedback": "Ovoz tugmasi faqat ovozni balandlatadi yoki pasaytiradi.",
                                },
                                {
                                    "text": "Ekranga barmoq bilan urish",
                                    "correct": False,
                                    "feedback": "Oʻchiq telefonda ekranga tegish yordam bermaydi, quvvat tugmasini bosib turing.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Qaysi PIN-kod eng ishonchli?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "1234",
                                    "correct": False,
                                    "feedback": "Bu kodni firibgarlar birinchi boʻlib sinab koʻradi.",
                                },
                                {
                                    "text": "Tugʻilgan yilim, masalan 1955",
                                    "correct": False,
                                    "feedback": "Tugʻilgan yilingizni koʻp odam biladi, shuning uchun u xavfsiz emas.",
                                },
                                {
                                    "text": "Faqat menga maʼlum, tartibsiz raqamlar, masalan 739158",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, boshqalar taxmin qila olmaydigan kod eng yaxshisi.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "tugmalar-va-quvvat",
                "title": "Tugmalar, ovoz va quvvatlash",
                "summary": "Bosh ekranga qaytish, ovozni sozlash va telefonni xavfsiz quvvatlashni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Telefonda adashib qolsangiz, xavotir olmang. Har doim <b>bosh ekranga</b> "
                        "qaytish mumkin. Bu darsda uchta oddiy ishni oʻrganamiz:</p>"
                        "<ul><li>bosh ekranga qaytish;</li>"
                        "<li>ovozni balandlatish va pasaytirish;</li>"
                        "<li>telefonni quvvatlash.</li></ul>",
                    ),
                    (
                        "step",
                        "Bosh ekranga qaytish uchun ekranning eng pastidagi doira yoki uy belgisini bosing. "
                        "Baʼzi telefonlarda buning oʻrniga pastdagi chiziqchadan yuqoriga suriladi.",
                    ),
                    (
                        "step",
                        "Ovozni telefonning yon tomonidagi uzun tugma bilan sozlang. "
                        "Yuqori qismini bossangiz ovoz balandlashadi, pastki qismini bossangiz pasayadi.",
                    ),
                    (
                        "step",
                        "Ekranning yuqori burchagidagi batareya belgisiga qarang. "
                        "Belgi qizil boʻlsa yoki 20 foizdan kam qolsa, telefonni quvvatlang.",
                    ),
                    (
                        "step",
                        "Quvvatlagich (zaryadlovchi) simini telefonning pastidagi teshikka ehtiyotkorlik bilan ulang, "
                        "keyin vilkani rozetkaga tiqing. Ekranda chaqmoq belgisi chiqadi.",
                    ),
                    (
                        "step",
                        "Telefon 100 foizga yetgach, quvvatlagichni avval rozetkadan, soʻng telefondan chiqaring.",
                    ),
                    (
                        "tip",
                        "Telefonni har kuni kechqurun stol ustida quvvatlashni odat qiling. "
                        "Shunda ertalab telefoningiz doim tayyor boʻladi.",
                    ),
                    (
                        "warning",
                        "Telefonni yostiq ostida yoki koʻrpa ustida quvvatlamang, u qizib ketishi mumkin. "
                        "Simi yoki vilkasi shikastlangan quvvatlagichni ishlatmang.",
                    ),
                    (
                        "transcript",
                        "Telefonda qayerga kirganingizni bilmay qolsangiz, qoʻrqmang. "
                        "Ekranning pastidagi doira tugmasini bossangiz, bosh ekranga qaytasiz. "
                        "Ovozni esa yon tomondagi tugma bilan sozlaysiz: yuqorisi balandlatadi, pasti pasaytiradi. "
                        "Qoʻngʻiroqni eshitmay qolmaslik uchun ovozni baland qilib qoʻying. "
                        "Batareya belgisi qizarsa, telefonni quvvatga qoʻying. "
                        "Quvvatlashni qattiq stol ustida qiling, yostiq ostida emas. "
                        "Shunda telefoningiz uzoq xizmat qiladi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Telefonni quvvatlashda qaysi ishlar toʻgʻri? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Telefonni stol ustida quvvatlash",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, qattiq va ochiq joyda telefon qizib ketmaydi.",
                                },
                                {
                                    "text": "Butun, sifatli quvvatlagichdan foydalanish",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, shikastlanmagan quvvatlagich xavfsiz.",
                                },
                                {
                                    "text": "Telefonni yostiq ostida quvvatlash",
                                    "correct": False,
                                    "feedback": "Yostiq ostida telefon qizib ketadi, bu xavfli.",
                                },
                                {
                                    "text": "Simi yirtilgan quvvatlagichni ishlatish",
                                    "correct": False,
                                    "feedback": "Shikastlangan sim tok urishiga yoki yongʻinga sabab boʻlishi mumkin.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Ilovada adashib qoldingiz. Bosh ekranga qanday qaytasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Ekran pastidagi doira yoki uy belgisini bosaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu tugma sizni har doim bosh ekranga qaytaradi.",
                                },
                                {
                                    "text": "Telefonni oʻchirib, qayta yoqaman",
                                    "correct": False,
                                    "feedback": "Bunga hojat yoʻq, bitta tugmani bosish kifoya.",
                                },
                                {
                                    "text": "Ovoz tugmasini bosaman",
                                    "correct": False,
                                    "feedback": "Ovoz tugmasi faqat ovozni oʻzgartiradi.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "qongiroq-va-kontaktlar",
                "title": "Qoʻngʻiroq qilish va kontakt saqlash",
                "summary": "Raqam terib qoʻngʻiroq qilishni, qoʻngʻiroqqa javob berishni va yaqinlaringiz raqamini saqlashni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Qoʻngʻiroq qilish uchun <b>Telefon</b> ilovasi kerak. Uning belgisi odatda "
                        "goʻshak shaklida boʻladi.</p>"
                        "<p>Yaqinlaringiz raqamini bir marta saqlab qoʻysangiz, keyin har safar terib "
                        "oʻtirmaysiz.</p>",
                    ),
                    (
                        "step",
                        "Bosh ekrandagi goʻshak belgisini bosing. Bu — Telefon ilovasi.",
                    ),
                    (
                        "step",
                        "Raqamlar paneli belgisini (toʻqqizta nuqta) bosing va raqamni tering. "
                        "Keyin yashil goʻshak tugmasini bosing.",
                    ),
                    (
                        "step",
                        {
                            "instruction": "Sizga qoʻngʻiroq kelsa, yashil goʻshakni bosing yoki suring. "
                            "Suhbatni tugatish uchun qizil goʻshakni bosing.",
                            "picture": "step-javob-berish",
                            "picture_alt": "Kiruvchi qoʻngʻiroq ekrani: barmoq yashil goʻshak tugmasini bosmoqda, chapda qizil goʻshak tugmasi",
                        },
                    ),
                    (
                        "step",
                        "Raqamni saqlash uchun terilgan raqam ostidagi “Kontaktga qoʻshish” "
                        "yoki “Yangi kontakt” yozuvini bosing.",
                    ),
                    (
                        "step",
                        "Ism qatoriga tushunarli ism yozing, masalan, “Qizim Dilnoza”. "
                        "Soʻng “Saqlash” tugmasini bosing.",
                    ),
                    (
                        "tip",
                        "Saqlangan raqamni topish uchun “Kontaktlar” ilovasini oching va yuqoridagi "
                        "qidiruv qatoriga ismning birinchi harflarini yozing.",
                    ),
                    (
                        "warning",
                        "Notanish raqamdan qoʻngʻiroq qilib, pul yoki karta maʼlumotini soʻrashsa, "
                        "hech narsa demang va darhol goʻshakni qoʻying.",
                    ),
                    (
                        "transcript",
                        "Endi qoʻngʻiroq qilishni oʻrganamiz. "
                        "Ekrandagi goʻshak belgisini bosing. "
                        "Raqamni tering va yashil tugmani bosing. "
                        "Suhbat tugagach, qizil tugmani bosing. "
                        "Farzandlaringiz va qoʻshnilaringiz raqamini kontaktga saqlang. "
                        "Ismni aniq yozing, masalan, “Oʻgʻlim Jasur”. "
                        "Keyingi safar raqamni eslab oʻtirmaysiz, ismni bossangiz kifoya.",
                    ),
                    (
                        "question",
                        {
                            "question": "Suhbatni tugatish uchun qaysi tugmani bosasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Qizil goʻshak",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, qizil tugma qoʻngʻiroqni tugatadi.",
                                },
                                {
                                    "text": "Yashil goʻshak",
                                    "correct": False,
                                    "feedback": "Yashil tugma qoʻngʻiroq qilish yoki javob berish uchun.",
                                },
                                {
                                    "text": "Ovoz tugmasi",
                                    "correct": False,
                                    "feedback": "Ovoz tugmasi faqat ovozni sozlaydi, qoʻngʻiroqni tugatmaydi.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Kontaktga qanday ism yozgan maʼqul?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Tushunarli ism, masalan, “Qizim Dilnoza”",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bunday ismni tez topasiz.",
                                },
                                {
                                    "text": "Bitta harf, masalan, “D”",
                                    "correct": False,
                                    "feedback": "Bitta harfdan kimligini keyin eslash qiyin boʻladi.",
                                },
                                {
                                    "text": "Hech narsa yozmaslik",
                                    "correct": False,
                                    "feedback": "Ismsiz raqamni keyin topish juda qiyin.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "sms-va-shrift",
                "title": "SMS oʻqish va yozuvni kattalashtirish",
                "summary": "Kelgan SMS xabarlarni oʻqishni va ekrandagi yozuvni kattaroq qilishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>SMS — telefoningizga keladigan qisqa yozma xabar. Yozuv mayda boʻlsa, "
                        "koʻzingiz charchaydi. Sozlamalarda <b>shrift oʻlchamini</b> kattalashtirish mumkin.</p>",
                    ),
                    (
                        "step",
                        "Bosh ekrandagi “Xabarlar” ilovasini oching. "
                        "Uning belgisi odatda xat yoki gap pufakchasiga oʻxshaydi.",
                    ),
                    (
                        "step",
                        "Roʻyxatdagi kerakli xabarni bosing. Yangi xabarlar qalin harflar bilan koʻrsatiladi.",
                    ),
                    (
                        "step",
                        "Yozuvni kattalashtirish uchun “Sozlamalar” ni oching va “Ekran” yoki “Displey” boʻlimiga kiring.",
                    ),
                    (
                        "step",
                        "“Shrift oʻlchami” bandini tanlang. Pastdagi surgichni oʻngga suring, yozuv kattalashadi.",
                    ),
                    (
                        "step",
                        "Oʻzingizga qulay oʻlchamni tanlagach, orqaga qayting. Oʻzgarish darhol saqlanadi.",
                    ),
                    (
                        "tip",
                        "Koʻzoynak taqsangiz, telefonni ham koʻzoynak bilan ishlating. "
                        "Yozuvni shunday tanlangki, telefonni koʻzingizga juda yaqin tutmasdan oʻqiy oling.",
                    ),
                    (
                        "warning",
                        "SMSda kelgan kodni hech kimga aytmang, hatto “bankdan” deb qoʻngʻiroq qilishsa ham. "
                        "Bank xodimlari hech qachon bu kodni soʻramaydi.",
                    ),
                    (
                        "transcript",
                        "Telefoningizga kelgan xabarlarni “Xabarlar” ilovasida oʻqiysiz. "
                        "Yangi xabar kelsa, telefon qisqa ovoz chiqaradi. "
                        "Ilovani oching va xabarni bosing. "
                        "Agar yozuv mayda boʻlsa, sozlamalardan uni kattalashtiring. "
                        "“Ekran” boʻlimida “Shrift oʻlchami” bor. "
                        "Surgichni oʻngga suring va natijani koʻring. "
                        "Bir narsani unutmang: SMSdagi kodni hech kimga aytmang.",
                    ),
                    (
                        "question",
                        {
                            "question": "Yozuvni kattalashtirish qayerda sozlanadi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Sozlamalar → Ekran → Shrift oʻlchami",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, shrift oʻlchami ekran sozlamalarida joylashgan.",
                                },
                                {
                                    "text": "Xabarlar ilovasida xabarni oʻchirib",
                                    "correct": False,
                                    "feedback": "Xabarni oʻchirish yozuv oʻlchamini oʻzgartirmaydi.",
                                },
                                {
                                    "text": "Ovoz tugmasini bosib",
                                    "correct": False,
                                    "feedback": "Ovoz tugmasi yozuvni emas, ovozni oʻzgartiradi.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Kimdir telefonda “SMSda kelgan kodni ayting” desa, nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Kodni aytmayman va goʻshakni qoʻyaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, kodni soʻragan odam — firibgar.",
                                },
                                {
                                    "text": "Bank xodimi boʻlsa, aytaman",
                                    "correct": False,
                                    "feedback": "Haqiqiy bank xodimi hech qachon SMS kodni soʻramaydi.",
                                },
                                {
                                    "text": "Faqat yarmini aytaman",
                                    "correct": False,
                                    "feedback": "Kodning bir qismi ham firibgarga yordam berishi mumkin, umuman aytmang.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # 2. Oila bilan videoqoʻngʻiroq
    # ------------------------------------------------------------------
    {
        "slug": "oila-bilan-videoqongiroq",
        "picture": "oila-bilan-videoqongiroq",
        "title": "Oila bilan videoqoʻngʻiroq",
        "audience": "older",
        "level": "beginner",
        "estimated_minutes": 30,
        "summary": (
            "Uzoqdagi farzand va nevaralaringizni telefon ekranida koʻrib gaplashishni oʻrganasiz. "
            "Telegram va WhatsApp orqali videoqoʻngʻiroq qilish oson."
        ),
        "outcomes": [
            "Videoqoʻngʻiroq uchun joy, yorugʻlik va telefonni tayyorlash",
            "Kamera va mikrofonga ruxsat berish",
            "Telegram orqali videoqoʻngʻiroq qilish",
            "WhatsApp orqali nevarangizga qoʻngʻiroq qilish",
        ],
        "cover_alt": "Buvi va bobo telefon ekranida qoʻl silkitayotgan nevarasini koʻrib turibdi",
        "lessons": [
            {
                "slug": "tayyorgarlik",
                "title": "Videoqoʻngʻiroqqa tayyorlanish",
                "summary": "Yaxshi videoqoʻngʻiroq uchun telefon, internet, yorugʻlik va ovozni tayyorlashni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Videoqoʻngʻiroqda siz yaqinlaringizni koʻrasiz, ular esa sizni koʻradi. "
                        "Buning uchun kerak boʻladi:</p>"
                        "<ul><li>internet (Wi-Fi yoki mobil internet);</li>"
                        "<li>telefonda <b>Telegram</b> yoki <b>WhatsApp</b> ilovasi;</li>"
                        "<li>yorugʻ va tinch joy.</li></ul>",
                    ),
                    (
                        "step",
                        "Telefon kamida yarmigacha quvvatlanganini tekshiring. "
                        "Videoqoʻngʻiroq batareyani tez sarflaydi.",
                    ),
                    (
                        "step",
                        "Ekranning yuqorisida Wi-Fi yoki mobil internet belgisi borligini koʻring. "
                        "Belgi boʻlmasa, oilangizdan internetni yoqib berishni soʻrang.",
                    ),
                    (
                        "step",
                        "Derazaga yuzingiz bilan oʻtiring, orqangiz bilan emas. "
                        "Shunda yuzingiz yorugʻ va aniq koʻrinadi.",
                    ),
                    (
                        "step",
                        "Telefonni stol ustida biror narsaga suyab qoʻying yoki qoʻlingizda yuz balandligida ushlang.",
                    ),
                    (
                        "step",
                        "Ilk bor qoʻngʻiroq qilganingizda telefon kamera va mikrofondan foydalanishga ruxsat soʻraydi. "
                        "“Ruxsat berish” tugmasini bosing.",
                    ),
                    (
                        "tip",
                        "Quloqchin taqsangiz, ovozni yaxshiroq eshitasiz va atrofdagilarga xalaqit bermaysiz. "
                        "Simli quloqchin ham, simsiz quloqchin ham boʻlaveradi.",
                    ),
                    (
                        "warning",
                        "Kamera va mikrofonga faqat oʻzingiz bilgan ilovalarga, masalan, Telegram va WhatsAppga ruxsat bering. "
                        "Notanish ilova ruxsat soʻrasa, oilangiz bilan maslahatlashing.",
                    ),
                    (
                        "transcript",
                        "Farzandlaringiz uzoqda boʻlsa ham, ularni har kuni koʻrishingiz mumkin. "
                        "Buning uchun videoqoʻngʻiroq kerak. "
                        "Avval telefonni quvvatlang va internet borligini tekshiring. "
                        "Derazaga qarab oʻtiring, shunda yuzingiz yorugʻ koʻrinadi. "
                        "Telefonni stolga suyab qoʻysangiz, qoʻlingiz charchamaydi. "
                        "Telefon kamera va mikrofon uchun ruxsat soʻrasa, “Ruxsat berish” ni bosing. "
                        "Quloqchin boʻlsa, uni taqing, ovoz ancha aniq eshitiladi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Videoqoʻngʻiroqda yuzingiz yaxshi koʻrinishi uchun nima qilish kerak? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Derazaga yuzim bilan oʻtiraman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, yorugʻlik yuzingizga tushadi.",
                                },
                                {
                                    "text": "Telefonni yuz balandligida ushlayman yoki suyab qoʻyaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, shunda tasvir qimirlamaydi va yuzingiz toʻliq koʻrinadi.",
                                },
                                {
                                    "text": "Derazaga orqam bilan oʻtiraman",
                                    "correct": False,
                                    "feedback": "Unda yuzingiz qorongʻi koʻrinadi, chunki yorugʻlik orqadan tushadi.",
                                },
                                {
                                    "text": "Telefonni stolga ekrani bilan pastga qoʻyaman",
                                    "correct": False,
                                    "feedback": "Unda kamera hech narsani koʻrsatmaydi.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Telefon mikrofonga ruxsat soʻradi. Siz Telegramda nevarangizga qoʻngʻiroq qilyapsiz. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "“Ruxsat berish” ni bosaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, mikrofonsiz nevarangiz ovozingizni eshitmaydi.",
                                },
                                {
                                    "text": "“Rad etish” ni bosaman",
                                    "correct": False,
                                    "feedback": "Unda ovozingiz eshitilmaydi. Tanish ilovaga ruxsat berish mumkin.",
                                },
                                {
                                    "text": "Telefonni oʻchirib qoʻyaman",
                                    "correct": False,
                                    "feedback": "Bunga hojat yoʻq, ruxsat berish kifoya.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "telegramda-videoqongiroq",
                "title": "Telegram orqali videoqoʻngʻiroq",
                "summary": "Telegramda yaqiningizga videoqoʻngʻiroq qilishni va kamera, mikrofon tugmalaridan foydalanishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Telegram — koʻpchilik foydalanadigan xabar almashish ilovasi. Uning belgisi "
                        "<b>koʻk doira ichidagi oq qogʻoz samolyotcha</b>.</p>"
                        "<p>Telegramda videoqoʻngʻiroq uchun pul toʻlanmaydi, faqat internet sarflanadi.</p>",
                    ),
                    (
                        "step",
                        "Telegram ilovasini oching. Roʻyxatdan qoʻngʻiroq qilmoqchi boʻlgan odamning ismini toping va uni bosing.",
                    ),
                    (
                        "step",
                        "Suhbatning yuqori qismidagi ism ustiga bosing. Ochilgan sahifada “Video” tugmasini bosing.",
                    ),
                    (
                        "step",
                        "Bunday tugma boʻlmasa, yuqori oʻng burchakdagi uchta nuqtani bosing va “Videoqoʻngʻiroq” ni tanlang.",
                    ),
                    (
                        "step",
                        {
                            "instruction": "Yaqiningiz javob berguncha kuting. U javob bersa, ekranda uning yuzi chiqadi, "
                            "oʻzingizni esa burchakdagi kichik oynachada koʻrasiz.",
                            "picture": "step-videoqongiroq-oyna",
                            "picture_alt": "Videoqoʻngʻiroq ekrani: yaqiningizning yuzi katta, siz burchakdagi kichik oynachada, pastda kamera, qizil tugatish va mikrofon tugmalari",
                        },
                    ),
                    (
                        "step",
                        "Pastdagi kamera belgisi kamerani yoqadi va oʻchiradi, mikrofon belgisi ovozingizni oʻchiradi va yoqadi. "
                        "Suhbatni tugatish uchun qizil tugmani bosing.",
                    ),
                    (
                        "tip",
                        "Sizga videoqoʻngʻiroq kelsa, ekranda yashil tugma chiqadi. Uni bosing yoki suring — suhbat boshlanadi.",
                    ),
                    (
                        "warning",
                        "Notanish odamdan kelgan videoqoʻngʻiroqqa javob bermang. "
                        "Firibgarlar oʻzini bank yoki ichki ishlar xodimi qilib koʻrsatishi mumkin.",
                    ),
                    (
                        "transcript",
                        "Telegramda videoqoʻngʻiroq qilish juda oson. "
                        "Ilovani oching va nevarangizning ismini bosing. "
                        "Yuqoridagi ism ustiga bosing, keyin “Video” tugmasini bosing. "
                        "Ekranda nevarangiz paydo boʻladi, oʻzingizni esa burchakdagi kichik oynada koʻrasiz. "
                        "Ovozingiz eshitilmasa, mikrofon belgisi ustida chiziq yoʻqligini tekshiring. "
                        "Gaplashib boʻlgach, qizil tugmani bosing. "
                        "Mana, hammasi shu!",
                    ),
                    (
                        "question",
                        {
                            "question": "Videoqoʻngʻiroq paytida ovozingiz eshitilmayapti. Nimani tekshirasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Mikrofon belgisi ustida chiziq bor-yoʻqligini",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, chiziq boʻlsa, mikrofon oʻchiq. Belgini bir marta bosing.",
                                },
                                {
                                    "text": "Ekran yorugʻligini",
                                    "correct": False,
                                    "feedback": "Ekran yorugʻligi ovozga taʼsir qilmaydi, mikrofon tugmasini tekshiring.",
                                },
                                {
                                    "text": "Kontaktning yozilgan ismini",
                                    "correct": False,
                                    "feedback": "Ism ovozga taʼsir qilmaydi, mikrofon tugmasini tekshiring.",
                                },
                            ],
                        },
                    ),
                    ("simulation", NEW_NUMBER_SIMULATION),
                ],
            },
            {
                "slug": "whatsappda-videoqongiroq",
                "title": "WhatsApp orqali nevarangizga qoʻngʻiroq",
                "summary": "WhatsAppda videoqoʻngʻiroq qilishni, kamerani almashtirishni va aloqa yomon boʻlsa nima qilishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>WhatsApp ham videoqoʻngʻiroq uchun qulay. Uning belgisi "
                        "<b>yashil doira ichidagi oq goʻshak</b>.</p>"
                        "<p>Nevarangizning telefonida qaysi ilova borligini oldindan soʻrab oling.</p>",
                    ),
                    (
                        "step",
                        "WhatsApp ilovasini oching va “Chatlar” roʻyxatidan nevarangizning ismini bosing.",
                    ),
                    (
                        "step",
                        "Yuqori oʻng tomondagi video kamera belgisini bosing. Goʻshak belgisi esa oddiy ovozli qoʻngʻiroq uchun.",
                    ),
                    (
                        "step",
                        "Nevarangiz javob bersa, telefonni yuzingizdan bir qoʻl uzunligida ushlang.",
                    ),
                    (
                        "step",
                        "Oʻzingizni emas, atrofni koʻrsatmoqchi boʻlsangiz, aylanma strelkali kamera belgisini bosing. "
                        "Kamera orqa tomonga oʻtadi.",
                    ),
                    (
                        "step",
                        "Suhbat tugagach, qizil goʻshak tugmasini bosing.",
                    ),
                    (
                        "tip",
                        "Tasvir qotib qolsa yoki ovoz uzilib eshitilsa, Wi-Fi qurilmasiga yaqinroq oʻtiring. "
                        "Boʻlmasa, kamerani oʻchirib, faqat ovozli gaplashing.",
                    ),
                    (
                        "warning",
                        "Notanish raqamdan “Men nevarangizman, telefonim buzildi, pul kerak” degan xabar kelsa, ishonmang. "
                        "Avval nevarangizning oʻzingizda saqlangan raqamiga qoʻngʻiroq qilib tekshiring.",
                    ),
                    (
                        "transcript",
                        "WhatsAppda nevarangizga qoʻngʻiroq qilaylik. "
                        "Ilovani oching va nevarangizning ismini bosing. "
                        "Yuqoridagi video kamera belgisini bosing. "
                        "Nevarangiz javob bersa, u sizni koʻradi, siz esa uni. "
                        "Bogʻingizni yoki yangi qoʻzichoqni koʻrsatmoqchi boʻlsangiz, kamerani almashtirish tugmasini bosing. "
                        "Internet sekin boʻlsa, kamerani oʻchirib, ovozli gaplashishingiz mumkin. "
                        "Gaplashib boʻlgach, qizil tugmani bosing.",
                    ),
                    (
                        "question",
                        {
                            "question": "WhatsAppda videoqoʻngʻiroq qilish uchun qaysi belgini bosasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Video kamera belgisini",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, kamera belgisi videoqoʻngʻiroqni boshlaydi.",
                                },
                                {
                                    "text": "Goʻshak belgisini",
                                    "correct": False,
                                    "feedback": "Goʻshak faqat ovozli qoʻngʻiroq uchun, video uchun kamera belgisini bosing.",
                                },
                                {
                                    "text": "Qogʻoz qistirgich belgisini",
                                    "correct": False,
                                    "feedback": "Qistirgich rasm yoki fayl yuborish uchun.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Notanish raqamdan “Nevarangizman, tezda pul oʻtkazing” degan xabar keldi. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Nevaramning oʻzimda saqlangan raqamiga qoʻngʻiroq qilib tekshiraman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, avval tekshirish sizni aldovdan saqlaydi.",
                                },
                                {
                                    "text": "Darhol pul oʻtkazaman",
                                    "correct": False,
                                    "feedback": "Shoshilmang, bu firibgarlarning keng tarqalgan usuli.",
                                },
                                {
                                    "text": "Karta raqamimni yozib yuboraman",
                                    "correct": False,
                                    "feedback": "Karta maʼlumotini hech qachon xabarda yubormang.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # 3. Telefon va internet firibgarlaridan saqlaning
    # ------------------------------------------------------------------
    {
        "slug": "firibgarlardan-saqlaning",
        "picture": "firibgarlardan-saqlaning",
        "title": "Telefon va internet firibgarlaridan saqlaning",
        "audience": "older",
        "level": "beginner",
        "estimated_minutes": 35,
        "summary": (
            "Firibgarlar koʻpincha telefon va xabarlar orqali aldaydi. Bu kursda ularning asosiy "
            "usullarini tanishni va pulingizni himoya qilishni oʻrganasiz."
        ),
        "outcomes": [
            "Soxta “bank” qoʻngʻiroqlarini tanish",
            "SMS kod va karta maʼlumotlarini sir saqlash",
            "Soxta yutuq xabarlari va havolalardan ehtiyot boʻlish",
            "Shubha tugʻilsa, 102 yoki bankning rasmiy raqamiga qoʻngʻiroq qilish",
        ],
        "cover_alt": "Telefon ekranidagi shubhali xabar, yonida qizil ogohlantirish belgisi va oʻylanib turgan keksa kishi",
        "lessons": [
            {
                "slug": "soxta-bank-qongiroqlari",
                "title": "Soxta “bank” qoʻngʻiroqlari",
                "summary": "Oʻzini bank xodimi deb tanishtirgan firibgarni qanday tanish va unga qanday javob berishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Firibgar qoʻngʻiroq qilib: “Men bankdanman, kartangizdan pul yechilyapti” deyishi mumkin. "
                        "U sizni qoʻrqitadi va shoshiltiradi. Keyin <b>SMSda kelgan kodni</b> yoki karta raqamini soʻraydi.</p>"
                        "<p>Esda tuting: <b>haqiqiy bank hech qachon SMS kodni, PIN-kodni va kartaning orqasidagi "
                        "uchta raqamni soʻramaydi.</b></p>",
                    ),
                    (
                        "step",
                        {
                            "instruction": "Qoʻngʻiroq qilgan odam kod, parol yoki karta maʼlumotini soʻrasa, hech narsa demang va goʻshakni qoʻying.",
                            "picture": "step-kodni-aytmang",
                            "picture_alt": "Telefonda SMS kod, yonida qizil belgi bilan taqiqlangan gap va lablarini yumgan keksa kishi: kodni hech kimga aytmang",
                        },
                    ),
                    (
                        "step",
                        "Qoʻrqmang va shoshilmang. Firibgar ataylab “Hozir tez boʻlmasa, pulingiz yoʻqoladi” deydi.",
                    ),
                    (
                        "step",
                        "Kartangizning orqasida yozilgan bankning rasmiy telefon raqamini toping.",
                    ),
                    (
                        "step",
                        "Shu raqamga oʻzingiz qoʻngʻiroq qiling va nima boʻlganini soʻrang. "
                        "Sizga qoʻngʻiroq qilgan raqamga qayta qoʻngʻiroq qilmang.",
                    ),
                    (
                        "step",
                        "Boʻlgan voqeani farzandlaringiz yoki ishonchli qoʻshningizga aytib bering.",
                    ),
                    (
                        "tip",
                        "Firibgar ismingizni va kartangizning oxirgi raqamlarini bilishi mumkin. "
                        "Bu uning haqiqiy bank xodimi ekanini bildirmaydi.",
                    ),
                    (
                        "warning",
                        "SMSda kelgan kodni hech kimga aytmang. Bu kod — kalit. "
                        "Uni aytsangiz, firibgar kartangizdagi pulni yechib oladi.",
                    ),
                    (
                        "transcript",
                        "Bugun eng koʻp uchraydigan aldov haqida gaplashamiz. "
                        "Telefon jiringlaydi va kimdir “Bankdanman” deydi. "
                        "U kartangiz bilan muammo borligini aytib, sizni qoʻrqitadi. "
                        "Keyin “Hozir SMS keladi, kodni ayting” deydi. "
                        "Esda tuting: bank hech qachon bu kodni soʻramaydi. "
                        "Goʻshakni qoʻying va kartangiz orqasidagi rasmiy raqamga oʻzingiz qoʻngʻiroq qiling. "
                        "Shoshilmaslik — eng yaxshi himoya.",
                    ),
                    (
                        "question",
                        {
                            "question": "“Bank xodimi” qoʻngʻiroq qilib, SMS kodni soʻradi. Qaysi ikkita ish toʻgʻri?",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Goʻshakni qoʻyaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, firibgar bilan gaplashishni davom ettirmang.",
                                },
                                {
                                    "text": "Kartam orqasidagi rasmiy raqamga oʻzim qoʻngʻiroq qilaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bank bilan faqat rasmiy raqam orqali bogʻlaning.",
                                },
                                {
                                    "text": "Kodni aytaman, chunki u bankdan",
                                    "correct": False,
                                    "feedback": "Haqiqiy bank xodimi hech qachon SMS kodni soʻramaydi.",
                                },
                                {
                                    "text": "Unga karta raqamimni aytaman",
                                    "correct": False,
                                    "feedback": "Karta maʼlumotini telefonda hech kimga aytmang.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Firibgar odatda qanday gapiradi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Qoʻrqitadi va shoshiltiradi",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, u sizga oʻylashga vaqt bermaslikka harakat qiladi.",
                                },
                                {
                                    "text": "Oʻylab koʻrishga vaqt beradi",
                                    "correct": False,
                                    "feedback": "Firibgar aksincha, sizni shoshiltiradi.",
                                },
                                {
                                    "text": "Bankka oʻzingiz borishni maslahat beradi",
                                    "correct": False,
                                    "feedback": "Bunday maslahatni haqiqiy bank xodimi beradi, firibgar esa bermaydi.",
                                },
                            ],
                        },
                    ),
                    (
                        "simulation",
                        {
                            "title": "Mashq: “bank xodimi” SMS kodni soʻraydi",
                            "intro": (
                                "Telefoningizga notanish raqamdan qoʻngʻiroq keladi. Har bir ekranda nima "
                                "qilishingizni tanlang. Bu faqat mashq: hech bir qoʻngʻiroq va xabar haqiqiy emas."
                            ),
                            "screens": [
                                {
                                    "type": "call",
                                    "value": {
                                        "key": "qongiroq",
                                        "caller_name": "Bank xavfsizlik xizmati",
                                        "caller_number": "+998 00 000 00 00",
                                        "says": (
                                            "Assalomu alaykum! Men bankning xavfsizlik xizmatidanman. Humo kartangizdan "
                                            "hozir 2 million soʻm yechib olinmoqda. Toʻxtatish uchun sizga SMS keladi, "
                                            "undagi kodni menga ayting."
                                        ),
                                        "choices": [
                                            {"label": "SMSni kutaman", "next": "sms"},
                                            {
                                                "label": "Karta raqamimni aytaman, tekshirib koʻrsin",
                                                "next": "karta-aytildi",
                                            },
                                            {
                                                "label": "Goʻshakni qoʻyaman",
                                                "next": "yana-qongiroq",
                                            },
                                        ],
                                    },
                                },
                                {
                                    "type": "message",
                                    "value": {
                                        "key": "sms",
                                        "app": "sms",
                                        "sender": "HUMO",
                                        "text": "Tasdiqlash kodi: 4821. Kodni hech kimga aytmang, hatto bank xodimiga ham.",
                                        "link_text": "",
                                        "choices": [
                                            {
                                                "label": "Kodni qoʻngʻiroq qilgan odamga aytaman",
                                                "next": "kod-aytildi",
                                            },
                                            {
                                                "label": "Kodni aytmayman, goʻshakni qoʻyaman",
                                                "next": "yana-qongiroq",
                                            },
                                        ],
                                    },
                                },
                                {
                                    "type": "call",
                                    "value": {
                                        "key": "yana-qongiroq",
                                        "caller_name": "Bank xavfsizlik xizmati",
                                        "caller_number": "+998 00 000 00 00",
                                        "says": "Nega goʻshakni qoʻydingiz? Pulingiz yoʻqoladi! Tezroq kodni ayting!",
                                        "choices": [
                                            {
                                                "label": "Qoʻrqib ketdim, kodni aytaman",
                                                "next": "kod-aytildi",
                                            },
                                            {
                                                "label": "Javob bermayman va kartam orqasidagi bank raqamiga oʻzim qoʻngʻiroq qilaman",  # noqa: E501
                                                "next": "xavfsiz",
                                            },
                                        ],
                                    },
                                },
                            ],
                            "endings": [
                                {
                                    "key": "kod-aytildi",
                                    "safe": False,
                                    "title": "Firibgar kartangizdagi pulni yechib oldi",
                                    "explanation": (
                                        "SMS kod — kartangizning kaliti. Haqiqiy bank xodimi bu kodni hech qachon "
                                        "soʻramaydi. Keyingi safar kodni hech kimga aytmang, goʻshakni qoʻying va kartangiz "
                                        "orqasidagi rasmiy raqamga oʻzingiz qoʻngʻiroq qiling. Kodni aytib qoʻygan "
                                        "boʻlsangiz, darhol bankka qoʻngʻiroq qilib, kartani bloklating."
                                    ),
                                },
                                {
                                    "key": "karta-aytildi",
                                    "safe": False,
                                    "title": "Firibgar karta maʼlumotingizni oldi",
                                    "explanation": (
                                        "Bank karta raqamingizni biladi va uni telefonda soʻramaydi. Endi firibgar sizga "
                                        "SMS kod yuborib, uni ham soʻraydi. Keyingi safar hech narsa aytmang, goʻshakni "
                                        "qoʻying va bankka oʻzingiz qoʻngʻiroq qiling."
                                    ),
                                },
                                {
                                    "key": "xavfsiz",
                                    "safe": True,
                                    "title": "Toʻgʻri qildingiz!",
                                    "explanation": (
                                        "Siz hech narsa aytmadingiz va bank bilan faqat rasmiy raqam orqali bogʻlandingiz. "
                                        "Esda tuting: qoʻrqitib, shoshiltirib, kod soʻragan odam — firibgar."
                                    ),
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "soxta-yutuq-xabarlari",
                "title": "Soxta yutuq va sovgʻa xabarlari",
                "summary": "“Siz avtomobil yutdingiz” kabi xabarlar ortida nima turishini va ularga qanday munosabatda boʻlishni oʻrganasiz.",
                "minutes": 8,
                "body": [
                    (
                        "text",
                        "<p>Baʼzan SMS yoki Telegramda shunday xabar keladi: “Tabriklaymiz! Siz avtomobil yutdingiz. "
                        "Sovgʻani olish uchun xizmat haqini toʻlang.”</p>"
                        "<p>Bu — <b>aldov</b>. Hech qanday tanlovda qatnashmagan boʻlsangiz, yutib ham ololmaysiz.</p>",
                    ),
                    (
                        "step",
                        "Yutuq haqidagi xabarni oʻqing, lekin unga hech qanday javob yozmang.",
                    ),
                    (
                        "step",
                        "Xabardagi raqamga qoʻngʻiroq qilmang va havolani bosmang.",
                    ),
                    (
                        "step",
                        "“Sovgʻani olish uchun pul toʻlang” degan talab boʻlsa, bu aniq firibgarlik.",
                    ),
                    (
                        "step",
                        "Xabarni oila aʼzolaringizga koʻrsating va ular bilan maslahatlashing.",
                    ),
                    (
                        "step",
                        "Keyin xabarni oʻchirib tashlang. Telegramda yuboruvchini bloklash ham mumkin.",
                    ),
                    (
                        "tip",
                        "Haqiqiy tanlov yoki aksiya haqida bank yoki doʻkonning rasmiy raqamiga oʻzingiz qoʻngʻiroq qilib bilib olishingiz mumkin.",
                    ),
                    (
                        "warning",
                        "Yutuqni olish uchun oldindan pul, karta raqami yoki SMS kod soʻrashsa — bu albatta firibgarlik. "
                        "Hech narsa yubormang.",
                    ),
                    (
                        "transcript",
                        "Hammamiz sovgʻani yaxshi koʻramiz. Firibgarlar buni biladi. "
                        "Ular “Siz katta yutuq yutdingiz” deb xabar yuboradi. "
                        "Keyin “yetkazib berish uchun” yoki “soliq uchun” pul soʻraydi. "
                        "Esda tuting: chinakam yutuq uchun oldindan pul toʻlanmaydi. "
                        "Bunday xabarga javob bermang, havolani bosmang. "
                        "Farzandlaringizga koʻrsating va xabarni oʻchirib tashlang.",
                    ),
                    (
                        "question",
                        {
                            "question": "Sizga “Televizor yutdingiz, yetkazib berish uchun 200 ming soʻm toʻlang” degan xabar keldi. Bu nima?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Firibgarlik",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, haqiqiy yutuq uchun oldindan pul soʻralmaydi.",
                                },
                                {
                                    "text": "Omad kulib boqdi",
                                    "correct": False,
                                    "feedback": "Afsuski, bu aldov: tanlovda qatnashmagan odam yutmaydi.",
                                },
                                {
                                    "text": "Doʻkonning oddiy aksiyasi",
                                    "correct": False,
                                    "feedback": "Doʻkon aksiyasida yutuq uchun xabar orqali pul soʻralmaydi.",
                                },
                            ],
                        },
                    ),
                    ("simulation", PRIZE_SMS_SIMULATION),
                ],
            },
            {
                "slug": "shubhali-havolalar",
                "title": "Xabarlardagi havolalar",
                "summary": "Xabarlarda kelgan havolalar nega xavfli ekanini va ulardan qanday ehtiyot boʻlishni oʻrganasiz.",
                "minutes": 8,
                "body": [
                    (
                        "text",
                        "<p>Havola — bosilganda biror sahifani ochadigan koʻk yozuv. Firibgarlar soxta havola yuboradi. "
                        "U bank yoki davlat sahifasiga oʻxshaydi, lekin <b>soxta</b> boʻladi.</p>"
                        "<p>Unga karta raqamingizni kiritsangiz, pulingiz oʻgʻirlanadi.</p>",
                    ),
                    (
                        "step",
                        "Notanish odamdan kelgan havolani bosmang, hatto unda “muhim” yoki “shoshilinch” deb yozilgan boʻlsa ham.",
                    ),
                    (
                        "step",
                        "Tanish odamdan kutilmagan havola kelsa, unga qoʻngʻiroq qilib, “Siz yubordingizmi?” deb soʻrang. "
                        "Uning Telegram sahifasini firibgarlar egallab olgan boʻlishi mumkin.",
                    ),
                    (
                        "step",
                        "Bankka yoki davlat xizmatiga kirish kerak boʻlsa, havola orqali emas, telefoningizdagi rasmiy ilova orqali kiring.",
                    ),
                    (
                        "step",
                        "Tasodifan havolani bosib qoʻysangiz, ochilgan sahifaga hech narsa yozmang va uni yoping.",
                    ),
                    (
                        "tip",
                        "Ilovalarni faqat telefoningizdagi rasmiy “Play Market” doʻkonidan oʻrnating. "
                        "Xabarda kelgan fayl yoki ilovani hech qachon oʻrnatmang.",
                    ),
                    (
                        "warning",
                        "Havola orqali ochilgan sahifaga karta raqamini, amal qilish muddatini va SMS kodni hech qachon kiritmang.",
                    ),
                    (
                        "transcript",
                        "Xabarlarda koʻk rangli yozuvlar keladi, ularni havola deymiz. "
                        "Bunday havolani bossangiz, soxta sahifa ochilishi mumkin. "
                        "U bank sahifasiga juda oʻxshaydi. "
                        "Sizdan karta raqami va kodni soʻraydi. "
                        "Bu maʼlumotni kiritsangiz, pulingiz yoʻqoladi. "
                        "Shuning uchun notanish havolalarni bosmang. "
                        "Bankka faqat rasmiy ilova orqali kiring.",
                    ),
                    (
                        "question",
                        {
                            "question": "Tanishingizdan “Ovoz bering” degan havola keldi. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Tanishimga qoʻngʻiroq qilib, uni oʻzi yuborganini soʻrayman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, uning Telegram sahifasi firibgarlar qoʻliga oʻtgan boʻlishi mumkin.",
                                },
                                {
                                    "text": "Darhol bosib, telefon raqamim va kelgan kodni kiritaman",
                                    "correct": False,
                                    "feedback": "Bunday soxta “ovoz berish” sahifalari orqali Telegram sahifangizni oʻgʻirlashadi.",
                                },
                                {
                                    "text": "Havolani hamma tanishlarimga yuboraman",
                                    "correct": False,
                                    "feedback": "Shunday qilsangiz, ular ham aldanib qolishi mumkin.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "yordam-sorash",
                "title": "Aldanib qolsangiz, nima qilish kerak",
                "summary": "Firibgarga maʼlumot berib qoʻysangiz yoki pul oʻtkazsangiz, tez va toʻgʻri harakat qilishni oʻrganasiz.",
                "minutes": 9,
                "body": [
                    (
                        "text",
                        "<p>Har kim aldanib qolishi mumkin. Bu uyat emas. Eng muhimi — <b>tez harakat qilish</b>.</p>"
                        "<p>Qancha tez xabar bersangiz, pulingizni saqlab qolish imkoni shuncha koʻp boʻladi.</p>",
                    ),
                    (
                        "step",
                        "Darhol kartangiz orqasidagi bankning rasmiy raqamiga qoʻngʻiroq qiling va kartani bloklashni soʻrang.",
                    ),
                    (
                        "step",
                        "Bank ilovangiz boʻlsa, unda ham kartani vaqtincha bloklash mumkin. Buni farzandingiz bilan birga qiling.",
                    ),
                    (
                        "step",
                        "102 raqamiga qoʻngʻiroq qilib, ichki ishlar organlariga boʻlgan voqeani aytib bering.",
                    ),
                    (
                        "step",
                        "Firibgarning telefon raqamini, xabarlarini va qachon qoʻngʻiroq qilganini yozib qoʻying. Xabarlarni oʻchirmang.",
                    ),
                    (
                        "step",
                        "Oilangizga aytib bering. Ular sizga yordam beradi va boshqa qarindoshlarni ham ogohlantiradi.",
                    ),
                    (
                        "tip",
                        "Bankning rasmiy raqamini va 102 raqamini hoziroq kontaktlaringizga saqlab qoʻying. "
                        "Kerak paytda qidirib oʻtirmaysiz.",
                    ),
                    (
                        "warning",
                        "“Pulingizni qaytarib beramiz” deb qoʻngʻiroq qilganlarga ham ishonmang. "
                        "Koʻpincha bular ham oʻsha firibgarlar boʻladi.",
                    ),
                    (
                        "transcript",
                        "Agar firibgarga kodni aytib qoʻygan boʻlsangiz, vahimaga tushmang, lekin kutmang ham. "
                        "Birinchi ish — bankka qoʻngʻiroq qilib, kartani bloklash. "
                        "Bankning raqami kartangiz orqasida yozilgan. "
                        "Keyin 102 raqamiga qoʻngʻiroq qiling. "
                        "Firibgarning raqami va xabarlarini saqlab qoʻying, ular dalil boʻladi. "
                        "Farzandlaringizga ham ayting. "
                        "Aldanish uyat emas, jim turish esa xavfli.",
                    ),
                    (
                        "question",
                        {
                            "question": "Firibgarga SMS kodni aytib qoʻydingiz. Birinchi navbatda nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Bankning rasmiy raqamiga qoʻngʻiroq qilib, kartani bloklataman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, karta bloklansa, firibgar pulni yecha olmaydi.",
                                },
                                {
                                    "text": "Ertaga bankka boraman",
                                    "correct": False,
                                    "feedback": "Kutish xavfli, firibgar shu vaqt ichida pulni yechib olishi mumkin.",
                                },
                                {
                                    "text": "Hech kimga aytmayman",
                                    "correct": False,
                                    "feedback": "Jim tursangiz, yordam ololmaysiz. Tez xabar bering.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Firibgarlik haqida ichki ishlar organlariga qaysi raqam orqali xabar berasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "102",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, 102 — ichki ishlar organlarining raqami.",
                                },
                                {
                                    "text": "103",
                                    "correct": False,
                                    "feedback": "103 — tez tibbiy yordam raqami.",
                                },
                                {
                                    "text": "101",
                                    "correct": False,
                                    "feedback": "101 — yongʻin xavfsizligi xizmati raqami.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # 4. Davlat xizmatlari onlayn
    # ------------------------------------------------------------------
    {
        "slug": "davlat-xizmatlari-onlayn",
        "picture": "davlat-xizmatlari-onlayn",
        "title": "Davlat xizmatlari onlayn",
        "audience": "older",
        "level": "beginner",
        "estimated_minutes": 35,
        "summary": (
            "Uydan chiqmasdan davlat xizmatlaridan foydalanishni oʻrganasiz. "
            "my.gov.uz portali, OneID orqali kirish va xavfsizlik qoidalari bilan tanishasiz."
        ),
        "outcomes": [
            "my.gov.uz portalini ochish va uning haqiqiy ekanini tekshirish",
            "OneID orqali xavfsiz kirish",
            "Pensiya haqidagi maʼlumotni qidirish",
            "Qiyin boʻlsa, Davlat xizmatlari markaziga murojaat qilish",
        ],
        "cover_alt": "Telefon ekranida ochilgan davlat xizmatlari sahifasi va manzil satridagi qulf belgisi",
        "lessons": [
            {
                "slug": "portal-bilan-tanishuv",
                "title": "my.gov.uz portali bilan tanishuv",
                "summary": "Yagona interaktiv davlat xizmatlari portalini ochishni va uni soxta sahifadan ajratishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p><b>my.gov.uz</b> — Yagona interaktiv davlat xizmatlari portali. "
                        "Unda maʼlumotnomalar olish va ariza berish mumkin.</p>"
                        "<p>Eng muhimi — <b>faqat haqiqiy sahifaga</b> kirish. "
                        "Firibgarlar unga oʻxshash soxta sahifalar yasaydi.</p>",
                    ),
                    (
                        "step",
                        "Telefoningizdagi brauzerni oching. Bu Chrome yoki boshqa internet ilovasi boʻlishi mumkin.",
                    ),
                    (
                        "step",
                        "Yuqoridagi manzil satriga harflarni xatosiz yozing: my.gov.uz",
                    ),
                    (
                        "step",
                        "Sahifa ochilgach, manzil satriga yana bir bor qarang. "
                        "Unda aynan “my.gov.uz” yozilgan va yonida qulf belgisi boʻlishi kerak.",
                    ),
                    (
                        "step",
                        "Sahifadagi qidiruv qatoriga kerakli xizmat nomini yozing, masalan, “pensiya” yoki “maʼlumotnoma”.",
                    ),
                    (
                        "step",
                        "Keyingi safar oson topish uchun sahifani xatchoʻplarga saqlang "
                        "yoki farzandingizdan uni bosh ekranga qoʻyib berishni soʻrang.",
                    ),
                    (
                        "tip",
                        "Davlat sahifalarining manzili odatda “gov.uz” bilan tugaydi. "
                        "Manzil boshqacha boʻlsa, masalan “my-gov-uz.com”, bu soxta sahifa.",
                    ),
                    (
                        "warning",
                        "Xabarda kelgan havola orqali davlat xizmatiga kirmang va pul toʻlamang. "
                        "Davlat xizmatlari uchun toʻlovni faqat portalning oʻzida qiling.",
                    ),
                    (
                        "transcript",
                        "Endi davlat xizmatlari portali bilan tanishamiz. "
                        "Uning manzili — my.gov.uz. "
                        "Brauzerni oching va shu manzilni xatosiz yozing. "
                        "Sahifa ochilgach, manzil satriga qarang: aynan my.gov.uz boʻlishi kerak. "
                        "Firibgarlar unga oʻxshash soxta sahifalar yasaydi. "
                        "Xabarda kelgan havolalarga ishonmang. "
                        "Portal manzilini oʻzingiz yozib oching — bu eng xavfsiz yoʻl.",
                    ),
                    (
                        "question",
                        {
                            "question": "Qaysi ikkita manzil soxta? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "my-gov-uz.com",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu soxta: haqiqiy manzilda chiziqcha va “.com” yoʻq.",
                                },
                                {
                                    "text": "mygov-uz.info",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu ham soxta: haqiqiy manzil “gov.uz” bilan tugaydi.",
                                },
                                {
                                    "text": "my.gov.uz",
                                    "correct": False,
                                    "feedback": "Bu haqiqiy portal manzili, u soxta emas.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Davlat xizmati uchun toʻlovni qayerda qilish xavfsiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "my.gov.uz portalining oʻzida",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, manzilni oʻzingiz yozib ochgan rasmiy portal xavfsiz.",
                                },
                                {
                                    "text": "SMSda kelgan havola orqali",
                                    "correct": False,
                                    "feedback": "Xabardagi havola soxta sahifaga olib borishi mumkin.",
                                },
                                {
                                    "text": "Notanish odamning kartasiga pul oʻtkazib",
                                    "correct": False,
                                    "feedback": "Davlat xizmati uchun hech qachon birovning shaxsiy kartasiga pul oʻtkazilmaydi.",
                                },
                            ],
                        },
                    ),
                    ("simulation", RESIDENCE_CERTIFICATE_SIMULATION),
                ],
            },
            {
                "slug": "oneid-orqali-kirish",
                "title": "OneID orqali kirish",
                "summary": "Davlat xizmatlariga kirish uchun yagona tizim — OneID dan xavfsiz foydalanishni oʻrganasiz.",
                "minutes": 12,
                "body": [
                    (
                        "text",
                        "<p><b>OneID</b> — davlat sahifalariga kirish uchun yagona tizim. "
                        "Bir marta roʻyxatdan oʻtsangiz, bitta login va parol bilan koʻp davlat xizmatlaridan foydalanasiz.</p>"
                        "<p>Uning manzili — <b>id.egov.uz</b>.</p>",
                    ),
                    (
                        "step",
                        "my.gov.uz sahifasida “Kirish” tugmasini bosing. Sahifa sizni OneID ga oʻtkazadi.",
                    ),
                    (
                        "step",
                        "Manzil satriga qarang: unda “id.egov.uz” yozilgan boʻlishi kerak.",
                    ),
                    (
                        "step",
                        "Login va parolingizni kiriting. Elektron raqamli imzo (ERI) kalitingiz boʻlsa, u orqali ham kirish mumkin.",
                    ),
                    (
                        "step",
                        "Hali roʻyxatdan oʻtmagan boʻlsangiz, “Roʻyxatdan oʻtish” ni bosing va pasport maʼlumotlaringiz "
                        "hamda telefon raqamingizni kiriting. Bunda farzandingiz yordam bersin.",
                    ),
                    (
                        "step",
                        "Ishingiz tugagach, “Chiqish” tugmasini bosing, ayniqsa boshqa odamning telefonidan foydalangan boʻlsangiz.",
                    ),
                    (
                        "tip",
                        "Parolingizni daftarga yozsangiz, daftarni uyda xavfsiz joyda saqlang. "
                        "Parolni telefon gʻilofiga yoki pasport ichiga yozib qoʻymang.",
                    ),
                    (
                        "warning",
                        "OneID parolini va SMSda kelgan tasdiqlash kodini hech kimga aytmang, "
                        "hatto “davlat xizmatidan” deb qoʻngʻiroq qilishsa ham. "
                        "Bu kod bilan begona odam sizning nomingizdan ariza berishi mumkin.",
                    ),
                    (
                        "transcript",
                        "Davlat xizmatlaridan foydalanish uchun OneID kerak. Bu — sizning raqamli kalitingiz. "
                        "my.gov.uz sahifasida “Kirish” ni bosing. "
                        "OneID sahifasi ochiladi, manzilda id.egov.uz yozilganini tekshiring. "
                        "Login va parolni kiriting. "
                        "Roʻyxatdan oʻtishda farzandingiz yoki Davlat xizmatlari markazi xodimi yordam beradi. "
                        "Parolingizni va kodlarni hech kimga aytmang. "
                        "Ish tugagach, “Chiqish” ni bosishni unutmang.",
                    ),
                    (
                        "question",
                        {
                            "question": "OneID sahifasining haqiqiy manzili qaysi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "id.egov.uz",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu OneID ning rasmiy manzili.",
                                },
                                {
                                    "text": "oneid-uz.com",
                                    "correct": False,
                                    "feedback": "Bu soxta manzil, haqiqiysi id.egov.uz.",
                                },
                                {
                                    "text": "id-egov.net",
                                    "correct": False,
                                    "feedback": "Bu soxta manzil, haqiqiysi id.egov.uz.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Kimdir qoʻngʻiroq qilib: “Davlat xizmatidanman, kelgan kodni ayting” dedi. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Kodni aytmayman va goʻshakni qoʻyaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, davlat xodimlari sizdan kod soʻramaydi.",
                                },
                                {
                                    "text": "Kodni aytaman, chunki u davlat xodimi",
                                    "correct": False,
                                    "feedback": "Haqiqiy davlat xodimi kodingizni hech qachon soʻramaydi.",
                                },
                                {
                                    "text": "Kodni emas, parolimni aytaman",
                                    "correct": False,
                                    "feedback": "Parolni ham, kodni ham hech kimga aytmang.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "pensiya-va-yordam",
                "title": "Pensiya maʼlumoti va yordam olish",
                "summary": "Portal orqali pensiya haqidagi maʼlumotni qidirishni va qiyin boʻlsa, Davlat xizmatlari markazidan yordam soʻrashni oʻrganasiz.",
                "minutes": 13,
                "body": [
                    (
                        "text",
                        "<p>Pensiya, nafaqa va boshqa toʻlovlar haqidagi maʼlumotni uydan turib bilish mumkin.</p>"
                        "<p>Agar bu qiyin boʻlsa, har bir tumanda <b>Davlat xizmatlari markazi</b> bor. "
                        "U yerdagi xodimlar sizga yordam beradi.</p>",
                    ),
                    (
                        "step",
                        "my.gov.uz sahifasiga OneID orqali kiring.",
                    ),
                    (
                        "step",
                        "Qidiruv qatoriga “pensiya” soʻzini yozing. Chiqqan roʻyxatdan oʻzingizga kerakli xizmatni tanlang.",
                    ),
                    (
                        "step",
                        "Xizmat sahifasidagi tushuntirishni sekin oʻqing. "
                        "Maʼlumotlaringiz koʻpincha oʻzi toʻldiriladi, siz faqat tekshirasiz.",
                    ),
                    (
                        "step",
                        "“Yuborish” tugmasini bosing. Javob portaldagi shaxsiy kabinetingizga keladi.",
                    ),
                    (
                        "step",
                        "Tushunmasangiz yoki xato chiqsa, pasportingizni olib, tumaningizdagi Davlat xizmatlari markaziga boring.",
                    ),
                    (
                        "tip",
                        "Davlat xizmatlari markaziga borishdan oldin qanday xizmat kerakligini bir varaqqa yozib oling. "
                        "Shunda xodimga tez tushuntirasiz.",
                    ),
                    (
                        "warning",
                        "Pensiya yoki nafaqani “oshirib beraman” yoki “tez rasmiylashtiraman” deb pul soʻragan odamlarga ishonmang. "
                        "Davlat xizmatlari uchun toʻlov faqat rasmiy yoʻl bilan qilinadi.",
                    ),
                    (
                        "transcript",
                        "Pensiyangiz haqida bilmoqchimisiz? Buning uchun navbatda turish shart emas. "
                        "my.gov.uz sahifasiga OneID orqali kiring. "
                        "Qidiruv qatoriga “pensiya” deb yozing va kerakli xizmatni tanlang. "
                        "Maʼlumotlarni tekshirib, yuboring. "
                        "Javob shaxsiy kabinetingizga keladi. "
                        "Agar qiyin boʻlsa, Davlat xizmatlari markaziga boring, u yerda sizga yordam berishadi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Portalda kerakli xizmatni topa olmadingiz. Qayerdan yordam soʻrash mumkin?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Tumandagi Davlat xizmatlari markazidan",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, markaz xodimlari sizga bepul tushuntirib beradi.",
                                },
                                {
                                    "text": "Telegramda yozgan notanish “yordamchi” dan",
                                    "correct": False,
                                    "feedback": "Notanish odam maʼlumotlaringizni oʻgʻirlashi mumkin.",
                                },
                                {
                                    "text": "Hech kimdan, xizmatdan voz kechaman",
                                    "correct": False,
                                    "feedback": "Voz kechmang, markaz xodimlari yoki oilangiz yordam beradi.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Davlat xizmatlari markaziga borganda nimani olib borish kerak?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Pasport yoki ID-karta",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, shaxsingizni tasdiqlovchi hujjat kerak boʻladi.",
                                },
                                {
                                    "text": "Bank kartasining PIN-kodi yozilgan qogʻoz",
                                    "correct": False,
                                    "feedback": "PIN-kodni hech qachon yozib olib yurmang va hech kimga bermang.",
                                },
                                {
                                    "text": "Hech narsa",
                                    "correct": False,
                                    "feedback": "Hujjatsiz xodim sizning maʼlumotlaringizni tekshira olmaydi.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # 5. Onlayn konsultatsiya oʻtkazish (ijtimoiy xodimlar uchun)
    # ------------------------------------------------------------------
    {
        "slug": "onlayn-konsultatsiya-otkazish",
        "picture": "onlayn-konsultatsiya-otkazish",
        "title": "Onlayn konsultatsiya oʻtkazish",
        "audience": "social_workers",
        "level": "intermediate",
        "estimated_minutes": 42,
        "summary": (
            "Mijoz bilan onlayn konsultatsiyani xavfsiz va samarali oʻtkazish boʻyicha amaliy qoʻllanma: "
            "tayyorgarlikdan tortib qayd yozishgacha."
        ),
        "outcomes": [
            "Xona va qurilmani konsultatsiyaga tayyorlash",
            "Mijozdan rozilik olish va maxfiylikni taʼminlash",
            "Aloqa uzilganda zaxira rejadan foydalanish",
            "Keksa mijozlar bilan sekin va tushunarli gaplashish",
            "Suhbatni hurmat bilan yakunlash va qayd yozish",
        ],
        "cover_alt": "Ijtimoiy xodim quloqchin taqib, noutbuk ekranidagi keksa mijoz bilan gaplashmoqda",
        "lessons": [
            {
                "slug": "xona-va-qurilmani-tayyorlash",
                "title": "Xona, qurilma va aloqani tayyorlash",
                "summary": "Konsultatsiyadan oldin xona, qurilma va internet aloqasini qanday tekshirishni bilib olasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Onlayn konsultatsiyaning sifati tayyorgarlikka bogʻliq. Mijoz sizni aniq koʻrishi va eshitishi, "
                        "siz esa unga toʻliq eʼtibor berishingiz kerak. Tayyorgarlikka <b>kamida 15 daqiqa</b> ajrating.</p>"
                        "<ul><li>tinch va eshigi yopiladigan xona;</li>"
                        "<li>quvvatlangan qurilma va quloqchin;</li>"
                        "<li>barqaror internet;</li>"
                        "<li>mijozning zaxira telefon raqami.</li></ul>",
                    ),
                    (
                        "step",
                        "Eshigi yopiladigan tinch xonani tanlang. Hamkasblaringizga band ekaningizni ayting "
                        "yoki eshikka “Band” yozuvini ilib qoʻying.",
                    ),
                    (
                        "step",
                        "Orqa fonni tekshiring: ekranda boshqa mijozlarning hujjatlari, ismlari yoki shaxsiy buyumlar koʻrinmasin.",
                    ),
                    (
                        "step",
                        "Qurilmani toʻliq quvvatlang va kamerani koʻz balandligiga qoʻying. Yorugʻlik yuzingizga old tomondan tushsin.",
                    ),
                    (
                        "step",
                        "Boshlanishdan 10 daqiqa oldin internet, kamera va mikrofonni tekshiring. "
                        "Keraksiz ilova va bildirishnomalarni oʻchiring.",
                    ),
                    (
                        "step",
                        "Mijozning zaxira telefon raqamini oldindan aniqlab qoʻying. Aloqa uzilsa, shu raqamga qoʻngʻiroq qilasiz.",
                    ),
                    (
                        "tip",
                        "Quloqchin ishlating: mijozning gaplarini xonadagi boshqa odamlar eshitmaydi, ovoz ham aniqroq boʻladi.",
                    ),
                    (
                        "warning",
                        "Konsultatsiyani kafe, jamoat transporti yoki boshqalar eshitadigan joyda oʻtkazmang. "
                        "Mijozning shaxsiy hayoti haqidagi gaplar begonalar qulogʻiga yetmasligi kerak.",
                    ),
                    (
                        "transcript",
                        "Hurmatli hamkasblar, onlayn konsultatsiya tayyorgarlikdan boshlanadi. "
                        "Tinch, eshigi yopiladigan xona tanlang. "
                        "Orqa fonda hujjatlar yoki boshqa mijozlar haqidagi maʼlumot koʻrinmasin. "
                        "Qurilmani quvvatlang va kamerani koʻz balandligiga qoʻying. "
                        "Boshlanishdan oldin internet, kamera va mikrofonni tekshiring. "
                        "Mijozning zaxira telefon raqamini oldindan yozib oling. "
                        "Bu oddiy qadamlar suhbatni xotirjam va ishonchli qiladi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Konsultatsiyadan oldin qaysi ikkita ishni qilish kerak? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Mijozning zaxira telefon raqamini aniqlash",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, aloqa uzilsa, shu raqam orqali suhbatni davom ettirasiz.",
                                },
                                {
                                    "text": "Kamera, mikrofon va internetni oldindan tekshirish",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, texnik muammoni mijoz kutib oʻtirmasidan hal qilasiz.",
                                },
                                {
                                    "text": "Stolda boshqa mijozlarning hujjatlarini ochiq qoldirish",
                                    "correct": False,
                                    "feedback": "Ular kamerada koʻrinib qolishi mumkin, stolni oldindan yigʻishtiring.",
                                },
                                {
                                    "text": "Konsultatsiyani kafeda oʻtkazish",
                                    "correct": False,
                                    "feedback": "Jamoat joyida suhbatni begonalar eshitishi mumkin.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "rozilik-va-maxfiylik",
                "title": "Rozilik va maxfiylik",
                "summary": "Suhbat boshida mijozdan qanday rozilik olish va maxfiylikni qanday taʼminlashni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Suhbat boshida mijozga konsultatsiya maqsadini, uning davomiyligini va maʼlumotlar qanday "
                        "saqlanishini tushuntiring.</p>"
                        "<p>Mijozning <b>ixtiyoriy roziligi</b> boʻlmasa, konsultatsiyani davom ettirmang.</p>",
                    ),
                    (
                        "step",
                        "Oʻzingizni tanishtiring: ismingiz, lavozimingiz va qaysi tashkilotdan ekaningizni ayting.",
                    ),
                    (
                        "step",
                        "Mijozning shaxsini oldindan kelishilgan maʼlumot, masalan, ismi va tugʻilgan yili orqali tekshiring.",
                    ),
                    (
                        "step",
                        "Mijozdan hozir gaplashish uchun qulay va xavfsiz joyda ekanini, yonida begona odam bor-yoʻqligini soʻrang.",
                    ),
                    (
                        "step",
                        "Suhbat nima uchun oʻtkazilayotganini, qaydlar qayerda saqlanishini va ularni kim koʻra olishini "
                        "oddiy soʻzlar bilan tushuntiring.",
                    ),
                    (
                        "step",
                        "Mijozning roziligini aniq soʻrang va rozilik berilganini sana hamda vaqti bilan qaydga yozing.",
                    ),
                    (
                        "step",
                        "Suhbatni audio yoki video yozib olish faqat mijozning alohida roziligi bilan va tashkilot qoidalariga koʻra mumkin.",
                    ),
                    (
                        "tip",
                        "Mijoz yonida boshqa odam borligi sababli erkin gapira olmasa, “ha” yoki “yoʻq” bilan javob beriladigan "
                        "savollar bering yoki suhbatni boshqa vaqtga koʻchiring.",
                    ),
                    (
                        "warning",
                        "Mijozning roziligisiz suhbatni yozib olmang va ekran rasmini (skrinshot) olmang. "
                        "Bu mijozning huquqlarini va kasb etikasini buzadi.",
                    ),
                    (
                        "transcript",
                        "Har bir onlayn konsultatsiya rozilikdan boshlanadi. "
                        "Avval oʻzingizni tanishtiring va mijozning shaxsini tekshiring. "
                        "Keyin uning hozir xavfsiz joyda ekanini soʻrang. "
                        "Suhbat maqsadini va qaydlar qanday saqlanishini sodda tushuntiring. "
                        "Mijoz rozi boʻlsa, buni qaydingizga yozing. "
                        "Suhbatni yozib olish uchun alohida rozilik kerak. "
                        "Rozilik — rasmiyatchilik emas, bu hurmat belgisi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Mijoz yonida qarindoshi borligini va erkin gapira olmasligini aytdi. Eng toʻgʻri harakat qaysi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "“Ha” yoki “yoʻq” bilan javob beriladigan savollar berish yoki suhbatni boshqa vaqtga koʻchirish",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, mijozning xavfsizligi va erkin gapirishi birinchi oʻrinda turadi.",
                                },
                                {
                                    "text": "Odatdagidek batafsil savollar berishni davom ettirish",
                                    "correct": False,
                                    "feedback": "Bu mijozni noqulay yoki xavfli holatga solishi mumkin.",
                                },
                                {
                                    "text": "Qarindoshdan mijoz nomidan javob berishni soʻrash",
                                    "correct": False,
                                    "feedback": "Mijozning shaxsiy maʼlumotini uning roziligisiz uchinchi shaxsdan soʻramang.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Suhbatni video yozib olish qachon mumkin?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Mijozning alohida roziligi boʻlsa va tashkilot qoidalari ruxsat bersa",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, yozib olish uchun aniq rozilik va rasmiy tartib kerak.",
                                },
                                {
                                    "text": "Har doim, chunki bu ish uchun kerak",
                                    "correct": False,
                                    "feedback": "Roziliksiz yozib olish mijozning huquqlarini buzadi.",
                                },
                                {
                                    "text": "Mijoz sezmasa, istalgan vaqtda",
                                    "correct": False,
                                    "feedback": "Yashirin yozib olish ishonchni buzadi va kasb etikasiga zid.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "suhbat-davomida",
                "title": "Suhbat davomida: aniq nutq va uzilgan aloqa",
                "summary": "Keksa mijozlar bilan tushunarli gaplashishni va aloqa uzilganda nima qilishni oʻrganasiz.",
                "minutes": 12,
                "body": [
                    (
                        "text",
                        "<p>Onlayn suhbatda ovoz kechikishi, tasvir qotishi mumkin. Keksa mijozlar uchun bu ayniqsa qiyin.</p>"
                        "<p>Shuning uchun <b>sekin, aniq va qisqa</b> gapiring. Aloqa uzilsa nima qilishni esa suhbat "
                        "boshidayoq kelishib oling.</p>",
                    ),
                    (
                        "step",
                        "Sekin va aniq gapiring, qisqa gaplar tuzing. Har bir fikrdan keyin biroz toʻxtab turing.",
                    ),
                    (
                        "step",
                        "“Tushunarlimi?” deyish oʻrniga: “Keyingi qadamni oʻz soʻzlaringiz bilan aytib bera olasizmi?” deb soʻrang.",
                    ),
                    (
                        "step",
                        "Kasbiy atamalar va qisqartmalarni ishlatmang. Ishlatsangiz, ularni oddiy soʻz bilan tushuntiring.",
                    ),
                    (
                        "step",
                        "Suhbat boshida kelishib oling: “Aloqa uzilsa, men sizga oddiy telefon orqali qoʻngʻiroq qilaman.”",
                    ),
                    (
                        "step",
                        "Aloqa uzilsa, 1–2 daqiqa ichida bir marta qayta ulanishga urining. "
                        "Boʻlmasa, darhol mijozning telefoniga qoʻngʻiroq qiling.",
                    ),
                    (
                        "step",
                        "Qayta bogʻlanganingizda, qayerda toʻxtaganingizni qisqacha eslatib, suhbatni davom ettiring.",
                    ),
                    (
                        "tip",
                        "Videoda yuz ifodasi va imo-ishoralar yaxshi koʻrinmasligi mumkin. "
                        "Muhim narsalarni soʻz bilan ham ayting, masalan: “Men sizni diqqat bilan tinglayapman.”",
                    ),
                    (
                        "warning",
                        "Mijoz xavf ostida ekanini aytgan paytda aloqa uzilsa, kutmang: darhol telefon orqali bogʻlaning. "
                        "Bogʻlana olmasangiz, tashkilot tartibiga koʻra rahbaringizga xabar bering, zarur boʻlsa 102 yoki 103 ga murojaat qiling.",
                    ),
                    (
                        "transcript",
                        "Onlayn suhbatda texnika baʼzan pand beradi. "
                        "Shuning uchun boshidayoq zaxira rejani kelishib oling. "
                        "Aloqa uzilsa, bir marta qayta ulanishga urining. "
                        "Boʻlmasa, mijozga oddiy telefon orqali qoʻngʻiroq qiling. "
                        "Keksa mijozlar bilan sekin, qisqa va aniq gapiring. "
                        "Tushunganini oʻz soʻzlari bilan aytib berishni soʻrang. "
                        "Sizning xotirjamligingiz mijozga ham xotirjamlik beradi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Konsultatsiya oʻrtasida video aloqa uzildi va qayta ulanib boʻlmadi. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Kelishilgan zaxira raqamga oddiy telefon orqali qoʻngʻiroq qilaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, suhbat uzilmasdan davom etadi va mijoz xavotirlanmaydi.",
                                },
                                {
                                    "text": "Mijozning oʻzi qayta qoʻngʻiroq qilishini kutaman",
                                    "correct": False,
                                    "feedback": "Keksa mijoz qayta ulanishni bilmasligi mumkin, tashabbusni oʻzingiz oling.",
                                },
                                {
                                    "text": "Suhbatni tugadi deb hisoblayman",
                                    "correct": False,
                                    "feedback": "Mijoz javobsiz qolmasligi kerak, suhbatni telefon orqali davom ettiring.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Mijoz tushunganini tekshirishning eng yaxshi usuli qaysi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Keyingi qadamni oʻz soʻzlari bilan aytib berishni soʻrash",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, shunda nimani tushunmaganini darhol bilasiz.",
                                },
                                {
                                    "text": "“Tushunarlimi?” deb soʻrash",
                                    "correct": False,
                                    "feedback": "Koʻp odam uyalib “ha” deydi, lekin aslida tushunmagan boʻlishi mumkin.",
                                },
                                {
                                    "text": "Gapni balandroq va tezroq takrorlash",
                                    "correct": False,
                                    "feedback": "Tez gapirish tushunishni qiyinlashtiradi, sekin va aniq gapiring.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "yakunlash-va-qaydlar",
                "title": "Suhbatni yakunlash va qayd yozish",
                "summary": "Konsultatsiyani hurmat bilan yakunlashni va qaydlarni toʻgʻri, xavfsiz yozishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Yaxshi yakun mijozda ishonch qoldiradi. Suhbat oxirida <b>kelishilgan ishlarni</b> takrorlang "
                        "va keyingi aloqa vaqtini belgilang.</p>"
                        "<p>Qaydni esa suhbatdan keyin imkon qadar tez yozing.</p>",
                    ),
                    (
                        "step",
                        "Suhbat tugashidan 5 daqiqa oldin mijozga buni ayting, shunda u soʻnggi savollarini bera oladi.",
                    ),
                    (
                        "step",
                        "Kelishilgan ishlarni qisqa takrorlang: kim, nima qiladi va qachongacha.",
                    ),
                    (
                        "step",
                        "Keyingi aloqa sanasi va vaqtini belgilang. Shoshilinch holatda kimga murojaat qilishni ayting.",
                    ),
                    (
                        "step",
                        "Mijozga vaqt ajratgani uchun rahmat ayting va iliq soʻz bilan xayrlashing. "
                        "Keyin qoʻngʻiroq haqiqatan tugaganini tekshiring.",
                    ),
                    (
                        "step",
                        "Qaydni shu kunning oʻzida tashkilotning rasmiy tizimiga yozing: sana, davomiylik, rozilik, "
                        "asosiy masalalar va kelishuvlar.",
                    ),
                    (
                        "tip",
                        "Qaydda faktlarni va mijozning oʻz soʻzlarini yozing, shaxsiy baholarni emas. "
                        "Masalan, “dangasa” emas, “dorini uch kundan beri ichmaganini aytdi” deb yozing.",
                    ),
                    (
                        "warning",
                        "Qaydlarni shaxsiy telefoningizdagi eslatmalarda, qogʻoz parchalarida yoki shaxsiy messenjerda saqlamang. "
                        "Faqat tashkilot tasdiqlagan tizimdan foydalaning.",
                    ),
                    (
                        "transcript",
                        "Suhbatni yakunlash ham bir mahorat. "
                        "Oxirida mijozga kelishilgan ishlarni takrorlang. "
                        "Keyingi aloqa vaqtini belgilang va shoshilinch holatda kimga murojaat qilishni ayting. "
                        "Vaqt ajratgani uchun rahmat aytib, iliq xayrlashing. "
                        "Keyin aloqa haqiqatan uzilganini tekshiring. "
                        "Qaydni shu kunning oʻzida, rasmiy tizimda yozing. "
                        "Faktlarni yozing, baholarni emas.",
                    ),
                    (
                        "question",
                        {
                            "question": "Qaysi qayd toʻgʻri yozilgan?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "“Mijoz uch kundan beri dorini ichmaganini aytdi.”",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu aniq fakt va mijozning oʻz soʻzlariga asoslangan.",
                                },
                                {
                                    "text": "“Mijoz dangasa va beparvo.”",
                                    "correct": False,
                                    "feedback": "Bu shaxsiy baho, fakt emas.",
                                },
                                {
                                    "text": "“Hammasi yaxshi.”",
                                    "correct": False,
                                    "feedback": "Bu juda umumiy, keyingi xodim undan hech narsa bilib ololmaydi.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # 6. Mijozlarning shaxsiy maʼlumotlarini himoya qilish
    # ------------------------------------------------------------------
    {
        "slug": "mijoz-malumotlarini-himoya",
        "picture": "mijoz-malumotlarini-himoya",
        "title": "Mijozlarning shaxsiy maʼlumotlarini himoya qilish",
        "audience": "social_workers",
        "level": "intermediate",
        "estimated_minutes": 44,
        "summary": (
            "Mijozlarning shaxsga doir maʼlumotlarini qonunga muvofiq yigʻish, saqlash va himoya qilish boʻyicha "
            "ijtimoiy xodimlar uchun amaliy kurs."
        ),
        "outcomes": [
            "“Shaxsga doir maʼlumotlar toʻgʻrisida”gi Qonunning asosiy talablarini bilish",
            "Maxsus toifadagi maʼlumotlarni ajrata olish",
            "Rozilik olish va faqat zarur maʼlumotni yigʻish",
            "Qurilma va hisoblarni himoya qilish",
            "Maʼlumot sizib chiqsa, tez xabar berish",
        ],
        "cover_alt": "Qulf belgisi tushirilgan papka va uning yonida kompyuterda ishlayotgan ijtimoiy xodim",
        "lessons": [
            {
                "slug": "qonun-asoslari",
                "title": "Qonun nima deydi",
                "summary": "“Shaxsga doir maʼlumotlar toʻgʻrisida”gi Qonunning ijtimoiy ish uchun muhim qoidalari bilan tanishasiz.",
                "minutes": 12,
                "body": [
                    (
                        "text",
                        "<p>Oʻzbekistonda 2019-yilda <b>“Shaxsga doir maʼlumotlar toʻgʻrisida”gi Qonun</b> qabul qilingan. "
                        "U insonga oid maʼlumotlarni yigʻish, saqlash, foydalanish va boshqalarga berish qoidalarini belgilaydi.</p>"
                        "<p>Shaxsga doir maʼlumotlarga misollar:</p>"
                        "<ul><li>familiya, ism, otasining ismi, tugʻilgan sana;</li>"
                        "<li>manzil va telefon raqami;</li>"
                        "<li>pasport maʼlumotlari va JShShIR;</li>"
                        "<li>sogʻliq, oilaviy ahvol va daromad haqidagi maʼlumotlar.</li></ul>",
                    ),
                    (
                        "step",
                        "Maʼlumotni nima maqsadda yigʻayotganingizni aniqlang. Maqsadsiz maʼlumot yigʻmang.",
                    ),
                    (
                        "step",
                        "Maxsus toifadagi maʼlumotlarni ajrating: sogʻliq holati, diniy yoki siyosiy qarashlar, "
                        "irqiy yoki ijtimoiy kelib chiqish, sudlanganlik. Ular alohida ehtiyotkorlikni talab qiladi.",
                    ),
                    (
                        "step",
                        "Biometrik maʼlumotlarga, masalan, yuz tasviri va barmoq iziga ham alohida ehtiyot boʻling.",
                    ),
                    (
                        "step",
                        "Mijozga qanday maʼlumot yigʻilayotganini va u nima uchun kerakligini tushuntiring.",
                    ),
                    (
                        "step",
                        "Maʼlumotni faqat ish uchun kerakli muddatda va tashkilot belgilagan tartibda saqlang.",
                    ),
                    (
                        "step",
                        "Tashkilotingizdagi maʼlumotlar himoyasi boʻyicha ichki qoidalarni oʻqing va bu ishga maʼsul xodim kimligini bilib oling.",
                    ),
                    (
                        "tip",
                        "Ikkilanganda oʻzingizdan soʻrang: “Bu mening maʼlumotim boʻlganda, u bilan shunday ishlashlariga rozi boʻlarmidim?”",
                    ),
                    (
                        "warning",
                        "Maʼlumotni ruxsatsiz tarqatish qonunda belgilangan javobgarlikka sabab boʻladi. "
                        "Mijozga yetgan zarar esa ijtimoiy xizmatga boʻlgan ishonchni yoʻqotadi.",
                    ),
                    (
                        "transcript",
                        "Hurmatli hamkasblar, har kuni biz mijozlarimiz haqida koʻp maʼlumot yigʻamiz. "
                        "Ism, manzil, telefon raqami — bularning barchasi shaxsga doir maʼlumot. "
                        "Sogʻliq, diniy qarash yoki sudlanganlik haqidagi maʼlumotlar esa maxsus toifaga kiradi. "
                        "2019-yilda qabul qilingan Qonun bu maʼlumotlar bilan qanday ishlashni belgilaydi. "
                        "Asosiy qoida oddiy: faqat maqsad uchun kerakli maʼlumotni yigʻing. "
                        "Uni xavfsiz saqlang va ruxsatsiz hech kimga bermang. "
                        "Mijozning ishonchi — bizning eng katta boyligimiz.",
                    ),
                    (
                        "question",
                        {
                            "question": "Quyidagilardan qaysi ikkitasi maxsus toifadagi maʼlumotga kiradi? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Mijozning sogʻligʻi haqidagi maʼlumot",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, sogʻliq haqidagi maʼlumot maxsus toifaga kiradi.",
                                },
                                {
                                    "text": "Mijozning sudlanganligi haqidagi maʼlumot",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, sudlanganlik ham maxsus toifadagi maʼlumot.",
                                },
                                {
                                    "text": "Mijozning telefon raqami",
                                    "correct": False,
                                    "feedback": "Telefon raqami shaxsga doir maʼlumot, lekin maxsus toifaga kirmaydi.",
                                },
                                {
                                    "text": "Tashkilotning ish vaqti",
                                    "correct": False,
                                    "feedback": "Bu umuman shaxsga doir maʼlumot emas.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "rozilik-va-zarur-minimum",
                "title": "Rozilik va zarur minimum",
                "summary": "Mijozdan xabardor rozilik olishni va faqat kerakli maʼlumotni yigʻishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Maʼlumot bilan ishlashning ikki asosiy qoidasi bor:</p>"
                        "<ul><li><b>Rozilik</b> — mijoz nimaga rozi boʻlayotganini tushunishi kerak.</li>"
                        "<li><b>Zarur minimum</b> — faqat xizmat uchun kerak boʻlgan maʼlumotni yigʻing.</li></ul>",
                    ),
                    (
                        "step",
                        "Rozilik olishdan oldin mijozga qaysi maʼlumot, nima maqsadda va qancha muddat saqlanishini, "
                        "kimga berilishi mumkinligini tushuntiring.",
                    ),
                    (
                        "step",
                        "Rozilikni tashkilot belgilagan shaklda, yozma yoki elektron koʻrinishda oling. "
                        "Maxsus toifadagi maʼlumotlar uchun bu ayniqsa muhim.",
                    ),
                    (
                        "step",
                        "Mijozga roziligini istalgan vaqtda qaytarib olishi mumkinligini ayting.",
                    ),
                    (
                        "step",
                        "Anketadagi har bir savolni tekshiring: bu maʼlumot xizmat uchun haqiqatan kerakmi? Kerak boʻlmasa, soʻramang.",
                    ),
                    (
                        "step",
                        "Pasport va boshqa hujjatlarning nusxasini faqat zarur boʻlganda oling. "
                        "Ularni shaxsiy telefoningizga suratga olmang.",
                    ),
                    (
                        "tip",
                        "Keksa mijozlar uchun rozilik matnini katta harflarda chop eting va ovoz chiqarib oʻqib bering. "
                        "Savollariga shoshilmasdan javob bering.",
                    ),
                    (
                        "warning",
                        "Mijozning qarindoshlari yoki qoʻshnilariga uning maʼlumotlarini roziligisiz bermang, "
                        "hatto ular yaxshi niyatda soʻrasa ham. Qonunda nazarda tutilgan istisnolar boʻyicha rahbaringiz bilan maslahatlashing.",
                    ),
                    (
                        "transcript",
                        "Rozilik — bu shunchaki imzo emas. "
                        "Mijoz nimaga rozi boʻlayotganini tushunishi kerak. "
                        "Unga qaysi maʼlumot, nima uchun va qancha muddatga kerakligini oddiy tilda ayting. "
                        "Roziligini qaytarib olishi mumkinligini ham tushuntiring. "
                        "Yana bir qoida: faqat kerakli maʼlumotni yigʻing. "
                        "Qancha kam maʼlumot saqlasangiz, shuncha kam xavf boʻladi. "
                        "Keraksiz savollarni anketadan olib tashlang.",
                    ),
                    (
                        "question",
                        {
                            "question": "Uy sharoitini baholash anketasida mijozning diniy qarashlari haqida savol bor, "
                            "lekin xizmat uchun u kerak emas. Nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Bu savolni bermayman va bu haqda rahbarimga aytaman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, keraksiz maxsus toifadagi maʼlumot yigʻilmasligi kerak.",
                                },
                                {
                                    "text": "Savolni beraman, keyin kerak boʻlib qolishi mumkin",
                                    "correct": False,
                                    "feedback": "“Balki kerak boʻlar” degan sabab bilan maʼlumot yigʻib boʻlmaydi.",
                                },
                                {
                                    "text": "Javobni oʻzim taxmin qilib yozaman",
                                    "correct": False,
                                    "feedback": "Taxmin ham shaxsga doir maʼlumot boʻlib qoladi va u xato boʻlishi mumkin.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Mijoz bergan roziligini qaytarib olmoqchi. Bu mumkinmi?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Ha, mijoz istalgan vaqtda roziligini qaytarib olishi mumkin",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bu mijozning huquqi. Murojaatini tashkilot tartibiga koʻra rasmiylashtiring.",
                                },
                                {
                                    "text": "Yoʻq, imzo qoʻyilgan boʻlsa, bekor qilib boʻlmaydi",
                                    "correct": False,
                                    "feedback": "Rozilikni qaytarib olish — mijozning huquqi, imzo buni cheklamaydi.",
                                },
                                {
                                    "text": "Faqat sud orqali",
                                    "correct": False,
                                    "feedback": "Sudga borish shart emas, mijozning murojaati yetarli.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "parol-va-qurilma-xavfsizligi",
                "title": "Parollar, qurilmalar va messenjerlar",
                "summary": "Kompyuter va telefonni himoyalashni hamda mijoz maʼlumotlarini xavfsiz uzatishni oʻrganasiz.",
                "minutes": 12,
                "body": [
                    (
                        "text",
                        "<p>Maʼlumotlarning koʻp qismi <b>oddiy ehtiyotsizlik</b> tufayli sizib chiqadi:</p>"
                        "<ul><li>ochiq qolgan kompyuter;</li>"
                        "<li>oson topiladigan parol;</li>"
                        "<li>shaxsiy messenjerda yuborilgan hujjat surati.</li></ul>"
                        "<p>Bu darsda shunday xatolardan saqlanishni oʻrganamiz.</p>",
                    ),
                    (
                        "step",
                        "Kamida 12 belgidan iborat kuchli parol yarating. Eslab qolish oson boʻlishi uchun bir nechta "
                        "soʻzdan ibora tuzing, masalan: “Bogʻda-uchta-olma-pishdi!”",
                    ),
                    (
                        "step",
                        "Har bir tizim uchun alohida parol ishlating. Parolni hech kimga, hatto hamkasbingizga ham bermang.",
                    ),
                    (
                        "step",
                        "Imkon boʻlsa, ikki bosqichli tasdiqlashni yoqing: parol bilan birga telefonga keladigan kod ham soʻraladi.",
                    ),
                    (
                        "step",
                        "Telefon va kompyuterda ekran qulfini yoqing. Joyingizdan turganda kompyuterni qulflang: "
                        "Windows da Win va L tugmalarini birga bosing.",
                    ),
                    (
                        "step",
                        "Mijoz maʼlumotlarini shaxsiy Telegram, WhatsApp yoki shaxsiy elektron pochta orqali yubormang. "
                        "Faqat tashkilot tasdiqlagan rasmiy tizimdan foydalaning.",
                    ),
                    (
                        "step",
                        "Qogʻoz hujjatlarni qulflanadigan javonda saqlang, keraksizlarini esa belgilangan tartibda yoʻq qiling.",
                    ),
                    (
                        "tip",
                        "Ish telefoningizda bildirishnomalar qulflangan ekranda matni bilan chiqmasligini sozlang. "
                        "Shunda yoningizdagi odam mijozdan kelgan xabarni oʻqiy olmaydi.",
                    ),
                    (
                        "warning",
                        "Mijoz hujjatini shaxsiy telefoningizga suratga olib, messenjerda hamkasbga yubormang. "
                        "Bu surat telefoningizda, bulutli xotirada va boshqa qurilmalarda qolib ketadi.",
                    ),
                    (
                        "transcript",
                        "Koʻp hollarda maʼlumot xakerlar tufayli emas, bizning ehtiyotsizligimiz tufayli sizib chiqadi. "
                        "Shuning uchun kuchli parol qoʻying va uni hech kimga bermang. "
                        "Telefon va kompyuterda ekran qulfini yoqing. "
                        "Joyingizdan tursangiz, kompyuterni qulflang. "
                        "Mijoz hujjatlarini shaxsiy messenjerda yubormang, faqat rasmiy tizimdan foydalaning. "
                        "Qogʻoz hujjatlarni qulflanadigan javonda saqlang. "
                        "Bu oddiy odatlar mijozlaringizni katta xavfdan asraydi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Qaysi ikkita odat mijoz maʼlumotlarini himoya qiladi? Ikkita javobni tanlang.",
                            "multiple": True,
                            "options": [
                                {
                                    "text": "Joyimdan turganda kompyuterni qulflash",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, ochiq kompyuterdan har kim foydalanishi mumkin.",
                                },
                                {
                                    "text": "Har bir tizim uchun alohida kuchli parol ishlatish",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, bitta parol bilib olinsa ham, boshqa tizimlar himoyalangan qoladi.",
                                },
                                {
                                    "text": "Mijoz pasportini shaxsiy Telegramda hamkasbga yuborish",
                                    "correct": False,
                                    "feedback": "Shaxsiy messenjer maʼlumotni tashkilot nazoratidan chiqarib yuboradi.",
                                },
                                {
                                    "text": "Parolni monitorga yopishtirib qoʻyish",
                                    "correct": False,
                                    "feedback": "Monitordagi parolni xonaga kirgan har kim koʻradi.",
                                },
                            ],
                        },
                    ),
                    (
                        "question",
                        {
                            "question": "Qaysi parol eng kuchli?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "123456",
                                    "correct": False,
                                    "feedback": "Bu eng koʻp ishlatiladigan va birinchi sinab koʻriladigan parol.",
                                },
                                {
                                    "text": "Dilnoza1980",
                                    "correct": False,
                                    "feedback": "Ism va tugʻilgan yilni taxmin qilish oson.",
                                },
                                {
                                    "text": "Bogʻda-uchta-olma-pishdi!",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, uzun va bir nechta soʻzdan iborat parolni buzish qiyin. "
                                    "Lekin misoldagini emas, oʻzingiz oʻylab topgan parolni ishlating.",
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "slug": "malumot-sizib-chiqsa",
                "title": "Maʼlumot sizib chiqsa",
                "summary": "Maʼlumotlar xavfsizligi buzilganda nima qilish, kimga va qanchalik tez xabar berishni oʻrganasiz.",
                "minutes": 10,
                "body": [
                    (
                        "text",
                        "<p>Xato har kimda boʻladi: telefon yoʻqoladi, xat boshqa odamga ketadi, hujjat unutib qoldiriladi. "
                        "Bunday holatni <b>maʼlumotlar xavfsizligining buzilishi</b> deymiz.</p>"
                        "<p>Eng yomoni — uni yashirish. Tez xabar berish zararni kamaytiradi.</p>",
                    ),
                    (
                        "step",
                        "Buzilishni sezishingiz bilan darhol rahbaringizga va tashkilotdagi maʼlumotlar himoyasi uchun maʼsul xodimga xabar bering.",
                    ),
                    (
                        "step",
                        "Zararni toʻxtatish uchun imkoni boricha harakat qiling: xatni oʻchirib tashlashni soʻrang, "
                        "yoʻqolgan telefonni masofadan bloklang, parolni almashtiring.",
                    ),
                    (
                        "step",
                        "Nima boʻlganini yozib qoʻying: sana, vaqt, qaysi maʼlumot, nechta mijozga tegishli va qanday chora koʻrildi.",
                    ),
                    (
                        "step",
                        "Dalillarni oʻchirmang. Xabarlar va yozishmalar tekshiruv uchun kerak boʻladi.",
                    ),
                    (
                        "step",
                        "Tashkilot qarori bilan zarar koʻrishi mumkin boʻlgan mijozlarga nima boʻlganini "
                        "va oʻzini qanday himoya qilishni tushuntiring.",
                    ),
                    (
                        "tip",
                        "Yoʻqolgan telefonni masofadan topish va bloklash imkoniyatini oldindan yoqib qoʻying. "
                        "Android telefonlarda bu odatda “Qurilmani topish” deb ataladi.",
                    ),
                    (
                        "warning",
                        "Buzilishni yashirmang va uni oʻzingiz jimgina tuzatishga urinmang. "
                        "Kechikish mijozlarga yetadigan zararni oshiradi.",
                    ),
                    (
                        "transcript",
                        "Maʼlumot sizib chiqishi har qanday tashkilotda boʻlishi mumkin. "
                        "Muhimi — unga qanday javob berishimiz. "
                        "Birinchi qoida: yashirmang, darhol rahbaringizga xabar bering. "
                        "Ikkinchisi: zararni toʻxtating — parolni almashtiring, telefonni bloklang. "
                        "Uchinchisi: nima boʻlganini aniq yozib qoʻying. "
                        "Mijozlarni ogohlantirish va vakolatli davlat organiga xabar berish haqida rahbariyat qaror qiladi. "
                        "Tez va ochiq harakat ishonchni saqlab qoladi.",
                    ),
                    (
                        "question",
                        {
                            "question": "Mijozlar roʻyxati ilova qilingan xatni adashib boshqa odamga yubordingiz. Birinchi navbatda nima qilasiz?",
                            "multiple": False,
                            "options": [
                                {
                                    "text": "Darhol rahbarimga va maʼsul xodimga xabar beraman",
                                    "correct": True,
                                    "feedback": "Toʻgʻri, tez xabar berish zararni kamaytirishga imkon beradi.",
                                },
                                {
                                    "text": "Hech kim sezmasligiga umid qilib, jim turaman",
                                    "correct": False,
                                    "feedback": "Yashirish zararni oshiradi va mijozlarni himoyasiz qoldiradi.",
                                },
                                {
                                    "text": "Xatni oʻz pochtamdan oʻchirib, unutaman",
                                    "correct": False,
                                    "feedback": "Sizdagi nusxani oʻchirish qabul qiluvchidagi nusxani yoʻq qilmaydi, dalil ham yoʻqoladi.",
                                },
                            ],
                        },
                    ),
                ],
            },
        ],
    },
]
