"""The words a brief is read by, per language: what asks for the video, who it is for, what lists points.

:mod:`reelwright.plan.brief` reads an English brief with its own tuned patterns; the other
languages are read by :mod:`reelwright.plan.localized` with these tables, one entry a language.
German, French, Spanish, Italian, Portuguese and Dutch have a full table (the same reading as
English); :data:`LIST_WORDS` gives a few more languages just enough to find a list of points.
Every entry is a regular-expression fragment, matched case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A proper name: capitalised words, with the lowercase particles names carry ("Van Dijk Logistiek",
# "Banca di Roma", "Casa do Pão"), ending on a capitalised word.
NAME = (
    r"(?:[A-ZÀ-ÖØ-Þ][\w&.'’-]*(?:\s+(?:(?:van|von|der|den|de|di|da|do|del|du|la|le|y|&)\s+)?"
    r"(?=[A-ZÀ-ÖØ-Þ])[\w&.'’-]+)*)"
)


@dataclass(frozen=True)
class BriefWords:
    lead: str  # a request for the video: "Erstelle", "Créez", "Crea", "Maak", "Ich brauche"
    video: str  # the kinds of video ("Video", "Erklärvideo", "vidéo", "filmpje")
    about: str  # what introduces the subject: "über", "sur", "sobre", "su", "over"
    audience: str  # what introduces who watches: "für", "pour", "para", "per", "voor"
    people: str  # who watches: "Mitarbeiter", "employés", "dipendenti", "medewerkers"
    of: str  # between the people and their organisation: "von", "de", "di", "van"
    new: str  # "neue": new people, so the video welcomes them
    cover: str  # a sentence that lists points: "Behandle", "Présentez", "Parla di", "Behandel"
    # The cover verbs that name a topic even for one point ("Parla del badge"); the others ("Zeigen
    # Sie Ihren Ausweis am Empfang") list points only with two or more, else they are content.
    one_point: str
    say: str  # "Mention that ...": the rest of the sentence is said
    producer: str  # other instructions to us: "Verwende", "Utilisez", "Usa", "Gebruik"
    settings: str  # what such an instruction is about: tone, format, music, captions
    length: str  # "Sekunden", "secondes", "segundos", "secondi", "seconden" and minutes
    and_: str  # the list's last joint: "und", "et", "y", "e", "en"
    articles: str  # leading articles a heading drops
    step: str  # "Schritt", "Étape", "Paso", "Passo", "Stap"
    cta: str  # calls to action: "besuchen Sie", "inscrivez-vous", "regístrate"
    stopwords: frozenset[str]  # function words that do not tie a statement to a point
    # A point said after a contraction of "of + the" reads with the article alone: "del badge" is
    # "il badge" when said as "Per prima cosa: il badge".
    contractions: dict[str, str] = field(default_factory=dict)
    ordinals: tuple[str, str, str, str] = ("", "", "", "")  # first, next, also, finally: "{p}"
    overview: str = "{points}."  # the overview of the points, "{points}" joined with ``joiner``
    joiner: str = "and"
    welcome: str = "{org}"  # the title of a video for new people of an organisation
    welcome_opening: str = "{title}."  # its opening line
    for_word: str = "For"  # the title card's line under the title: "Für neue Mitarbeiter"
    say_prefix: str = ""  # how a "mention that X" clause is said when X keeps its clause order
    about_articles: dict[str, str] = field(default_factory=dict)  # "sulla" → "la": the subject's article


def _stop(words: str) -> frozenset[str]:
    return frozenset(words.split())


WORDS: dict[str, BriefWords] = {
    "de": BriefWords(
        lead=r"(?:bitte\s+)?(?:erstelle|erstell|erstellen\s+sie|erstellt|mach|mache|machen\s+sie|produziere|"
        r"produzieren\s+sie|gestalte|gestalten\s+sie|drehe|drehen\s+sie|ich\s+brauche|wir\s+brauchen|"
        r"ich\s+möchte|wir\s+möchten|ich\s+hätte\s+gern|wir\s+hätten\s+gern)",
        video=r"[\w-]*(?:video|videos|clip|film|präsentation|überblick|einführung|erklärung|teaser|trailer|reel)",
        about=r"(?:über|zum\s+thema|rund\s+um|zu)",
        audience=r"(?:für|an)",
        people=r"(?:[\w-]*(?:mitarbeiter|arbeiter)(?:innen)?|mitarbeitende[n]?|beschäftigte[n]?|kolleg(?:en|innen)|kund(?:en|innen)|"
        r"studierende[n]?|studenten|schüler(?:innen)?|eltern|patient(?:en|innen)|besucher(?:innen)?|gäste[n]?|"
        r"partner(?:innen)?|investoren|entwickler(?:innen)?|nutzer(?:innen)?|anwender(?:innen)?|mitglieder[n]?|"
        r"teams?|azubis|auszubildende[n]?|führungskräfte[n]?|fahrer(?:innen)?|publikum|zuschauer(?:innen)?|"
        r"einsteiger(?:innen)?|anfänger(?:innen)?|lehrkräfte[n]?|personal|belegschaft|händler(?:innen)?)",
        of=r"(?:von|bei|der|des|im|in)",
        new=r"\bneue[nmrs]?\b",
        cover=r"(?:behandle|behandeln\s+sie|behandelt|sprich\s+über|sprechen\s+sie\s+über|geh\s+auf|"
        r"gehen\s+sie\s+auf|thematisiere|thematisieren\s+sie|nenne|nennen\s+sie|erkläre|erklären\s+sie|"
        r"zeige|zeigen\s+sie|stelle|stellen\s+sie|erwähne|erwähnen\s+sie|themen|inhalte|punkte|es\s+geht\s+um)",
        one_point=r"(?:behandle|behandeln\s+sie|behandelt|sprich|sprechen\s+sie|thematisiere|thematisieren\s+sie|"
        r"themen|inhalte|punkte|es\s+geht\s+um)",
        say=r"(?:erwähne|erwähnen\s+sie|sag|sage|sagen\s+sie|betone|betonen\s+sie|erkläre|erklären\s+sie|"
        r"weise\s+darauf\s+hin|weisen\s+sie\s+darauf\s+hin)\s*,?\s*dass",
        producer=r"(?:verwende|verwenden\s+sie|nutze|nutzen\s+sie|benutze|benutzen\s+sie|halte|halten\s+sie|"
        r"füge|fügen\s+sie|ende|enden\s+sie|beginne|beginnen\s+sie|schließe|schließen\s+sie|zeige|zeigen\s+sie|"
        r"setze|setzen\s+sie|wähle|wählen\s+sie|bitte|mach|mache|machen\s+sie)",
        settings=r"(?:ton|tonfall|stil|stimme|sprecher(?:in)?|musik|schrift|farben?|avatar|untertitel|"
        r"hochformat|querformat|format|szenen?|folien?|logo|sekunden|minuten|freundlich(?:e[nmrs]?)?|"
        r"locker(?:e[nmrs]?)?|förmlich(?:e[nmrs]?)?|sachlich(?:e[nmrs]?)?|fröhlich(?:e[nmrs]?)?|ruhig(?:e[nmrs]?)?|"
        r"kurz|knapp|tiktok|reels?|shorts)",
        length=r"(?:sekunden|sekündige[nmrs]?|minuten|minütige[nmrs]?|minute|sek|min|s)",
        and_=r"(?:und|sowie)",
        articles=r"(?:der|die|das|den|dem|des|ein|eine|einen|unser|unsere|unseren|ihr|ihre|ihren|dein|deine)",
        step=r"schritt",
        cta=r"\b(?:besuchen\s+sie|besuche|melden\s+sie\s+sich|melde\s+dich|registrieren|anmelden|buchen|bestellen|"
        r"rufen\s+sie|ruf\s+an|schreiben\s+sie\s+uns|mehr\s+unter|jetzt\s+\w+)\b",
        stopwords=_stop(
            "der die das den dem des ein eine einen einem einer und oder aber mit von bei für auf aus "
            "ist sind wird werden hat haben ihr ihre ihren sie wir uns unser unsere unseren sich es "
            "im in am an zu zum zur nach vor über auch noch nur alle dort hier dann wenn dass"
        ),
        # "Behandeln Sie den Notausgang": a point is said on its own, so in the nominative.
        contractions={"den": "der", "einen": "ein", "unseren": "unser", "ihren": "Ihr"},
        ordinals=("Zuerst: {p}.", "Dann: {p}.", "Außerdem: {p}.", "Zum Schluss: {p}."),
        overview="Die Themen: {points}.",
        joiner="und",
        welcome="Willkommen bei {org}",
        welcome_opening="Willkommen bei {org}! Das Wichtigste für Ihren Start.",
        for_word="Für",
        say_prefix="Wichtig ist, dass {x}.",
    ),
    "fr": BriefWords(
        lead=r"(?:merci\s+de\s+)?(?:crée|créez|créer|fais|faites|réalise|réalisez|produis|produisez|"
        r"prépare|préparez|je\s+veux|je\s+voudrais|nous\s+voulons|nous\s+voudrions|il\s+me\s+faut|il\s+nous\s+faut)",
        video=r"(?:vidéos?|clips?|films?|présentations?|tutoriels?|teasers?|reels?)",
        about=r"(?:sur|à\s+propos\s+de|au\s+sujet\s+de|concernant|présentant|expliquant|qui\s+présente|"
        r"qui\s+explique)",
        audience=r"(?:pour|destinée?s?\s+à)",
        people=r"(?:employée?s|salariée?s|collaborat(?:eurs|rices)|clients?|clientes|étudiante?s|élèves|parents|"
        r"patients|visiteurs|partenaires|investisseurs|développeurs|utilisateurs|membres|équipes?|stagiaires|"
        r"débutants|enseignants|collègues|recrues|public|personnel|agents|managers|chauffeurs|bénévoles|arrivants)",
        of=r"(?:de|d['’]|chez|du)",
        new=r"\bnouv(?:eaux|elles?|el)\b",
        cover=r"(?:présente|présentez|aborde|abordez|parle|parlez|couvre|couvrez|traite|traitez|explique|expliquez|"
        r"mentionne|mentionnez|évoque|évoquez|montre|montrez|détaille|détaillez)",
        one_point=r"(?:aborde|abordez|parle|parlez|couvre|couvrez|traite|traitez)",
        say=r"(?:mentionne|mentionnez|dis|dites|précise|précisez|rappelle|rappelez|souligne|soulignez|"
        r"indique|indiquez|explique|expliquez)\s+qu(?:e\s+|['’])",
        producer=r"(?:utilise|utilisez|emploie|employez|garde|gardez|ajoute|ajoutez|termine|terminez|commence|"
        r"commencez|mets|mettez|choisis|choisissez|adopte|adoptez|fais|faites)",
        settings=r"(?:ton|style|voix|musique|police|couleurs?|avatar|sous-titres?|vertical|horizontal|format|"
        r"scènes?|diapositives?|logo|secondes|minutes|amical|chaleureux|formel|décontracté|dynamique|calme|"
        r"court|courte|tiktok|reels?|shorts)",
        length=r"(?:secondes?|minutes?|sec|min|s)",
        and_=r"(?:et|ainsi\s+que)",
        articles=r"(?:le|la|les|l['’]|un|une|des|du|de\s+la|de\s+l['’]|notre|nos|votre|vos)",
        step=r"étape",
        cta=r"\b(?:inscrivez-vous|inscris-toi|visitez|rendez-vous|réservez|commandez|appelez|contactez|"
        r"téléchargez|découvrez|rejoignez)\b",
        stopwords=_stop(
            "le la les un une des du de et ou mais avec pour par sur dans est sont sera seront a ont "
            "votre vos notre nos leur leurs vous nous il elle ils elles se ce cette ces qui que au aux "
            "en à tout tous toute toutes aussi plus très"
        ),
        contractions={
            "du": "le",
            "de la": "la",
            "de l'": "l'",
            "de l’": "l’",
            "des": "les",
            "d'": "",
            "de": "",
        },
        ordinals=("D'abord : {p}.", "Ensuite : {p}.", "Puis : {p}.", "Enfin : {p}."),
        overview="Au programme : {points}.",
        joiner="et",
        welcome="Bienvenue chez {org}",
        welcome_opening="Bienvenue chez {org} ! Voici l'essentiel pour bien commencer.",
        for_word="Pour",
    ),
    "es": BriefWords(
        lead=r"(?:por\s+favor,?\s+)?(?:crea|cree|creen|crear|haz|haga|hagan|produce|produzca|prepara|prepare|"
        r"realiza|realice|genera|genere|quiero|queremos|necesito|necesitamos)",
        video=r"(?:vídeos?|videos?|clips?|presentaci(?:ón|ones)|tutorial(?:es)?|anuncios?|reels?)",
        about=r"(?:sobre|acerca\s+de|presentando|explicando|que\s+presente|que\s+explique)",
        audience=r"(?:para|dirigido\s+a)",
        people=r"(?:empleados|empleadas|trabajadores|clientes|estudiantes|alumnos|padres|pacientes|visitantes|"
        r"socios|inversores|desarrolladores|usuarios|miembros|equipos?|colaboradores|compañeros|principiantes|"
        r"profesores|público|personal|conductores|vecinos|voluntarios|incorporaciones)",
        of=r"(?:de|del|en)",
        new=r"\bnuev[oa]s?\b",
        cover=r"(?:cubre|cubra|aborda|aborde|habla|hable|trata|trate|explica|explique|menciona|mencione|"
        r"presenta|presente|incluye|incluya|muestra|muestre|detalla|detalle)",
        one_point=r"(?:cubre|cubra|aborda|aborde|habla|hable|trata|trate)",
        say=r"(?:menciona|mencione|di|diga|explica|explique|recuerda|recuerde|indica|indique|destaca|destaque)"
        r"\s+que",
        producer=r"(?:usa|use|utiliza|utilice|mantén|mantenga|añade|añada|termina|termine|empieza|empiece|"
        r"pon|ponga|elige|elija|haz|haga)",
        settings=r"(?:tono|estilo|voz|música|fuente|colou?res?|avatar|subtítulos?|vertical|horizontal|formato|"
        r"escenas?|diapositivas?|logo|segundos|minutos|amable|cercano|formal|informal|dinámico|tranquilo|"
        r"corto|breve|tiktok|reels?|shorts)",
        length=r"(?:segundos?|minutos?|seg|min|s)",
        and_=r"(?:y|e)",
        articles=r"(?:el|la|los|las|un|una|unos|unas|nuestro|nuestra|nuestros|nuestras|tu|tus|su|sus)",
        step=r"paso",
        cta=r"\b(?:regístrate|regístrese|visita|visite|reserva|reserve|compra|compre|llama|llame|descarga|"
        r"descargue|inscríbete|inscríbase|escríbenos|contacta|contacte)\b",
        stopwords=_stop(
            "el la los las un una unos unas de del y o pero con para por en es son será serán ha han "
            "tu tus su sus nuestro nuestra nuestros nuestras te se que al lo todo todos toda todas "
            "también más muy"
        ),
        contractions={"del": "el", "de la": "la", "de los": "los", "de las": "las", "de": ""},
        ordinals=("Primero: {p}.", "Después: {p}.", "Además: {p}.", "Por último: {p}."),
        overview="Los temas: {points}.",
        joiner="y",
        welcome="Bienvenidos a {org}",
        welcome_opening="¡Bienvenidos a {org}! Esto es lo esencial para empezar.",
        for_word="Para",
    ),
    "it": BriefWords(
        lead=r"(?:per\s+favore,?\s+)?(?:crea|create|creare|fai|fate|realizza|realizzate|produci|producete|"
        r"prepara|preparate|genera|voglio|vorrei|vogliamo|vorremmo|mi\s+serve|ci\s+serve)",
        video=r"(?:video|clip|filmati?|presentazion[ei]|tutorial|spot|reel)",
        about=r"(?:su(?:l|lla|llo|i|gli|lle|ll['’])?|riguardo\s+a|a\s+proposito\s+di|che\s+present[ai]|"
        r"che\s+spieghi|che\s+illustri)",
        audience=r"(?:per|rivolto\s+a)",
        people=r"(?:dipendenti|collaboratori|colleghi|clienti|studenti|genitori|pazienti|visitatori|partner|"
        r"investitori|sviluppatori|utenti|membri|team|squadra|principianti|insegnanti|pubblico|personale|"
        r"lavoratori|autisti|soci|assunti|volontari|arrivati)",
        of=r"(?:di|da|della|del|in|presso)",
        new=r"\bnuov[oaie]\b",
        cover=r"(?:parla|parlate|tratta|trattate|copri|coprite|illustra|illustrate|spiega|spiegate|menziona|"
        r"menzionate|presenta|presentate|includi|includete|mostra|mostrate|affronta|affrontate)",
        one_point=r"(?:parla|parlate|tratta|trattate|copri|coprite|affronta|affrontate)",
        say=r"(?:menziona|menzionate|di['’]|dì|dite|spiega|spiegate|ricorda|ricordate|sottolinea|sottolineate|"
        r"indica|indicate)\s+che",
        producer=r"(?:usa|usate|utilizza|utilizzate|mantieni|mantenete|aggiungi|aggiungete|termina|terminate|"
        r"inizia|iniziate|metti|mettete|scegli|scegliete|fai|fate)",
        settings=r"(?:tono|stile|voce|musica|carattere|colori|avatar|sottotitoli|verticale|orizzontale|formato|"
        r"scen[ae]|slide|logo|secondi|minuti|amichevole|cordiale|formale|informale|dinamico|calmo|breve|corto|"
        r"tiktok|reels?|shorts)",
        length=r"(?:secondi|secondo|minuti|minuto|sec|min|s)",
        and_=r"(?:e|ed)",
        articles=r"(?:il|lo|la|i|gli|le|l['’]|un|uno|una|un['’]|nostro|nostra|nostri|nostre|tuo|tua|tuoi|tue)",
        step=r"passo|fase",
        cta=r"\b(?:iscriviti|iscrivetevi|visita|visitate|prenota|prenotate|acquista|chiama|chiamate|scarica|"
        r"scaricate|contattaci|contattate|scrivici)\b",
        stopwords=_stop(
            "il lo la i gli le un uno una di del della dello dei degli delle e ed o ma con per su in "
            "è sono sarà saranno ha hanno tuo tua tuoi tue nostro nostra nostri nostre ti si che al "
            "alla alle ai agli tutto tutti tutta tutte anche più molto"
        ),
        contractions={
            "del": "il",
            "dello": "lo",
            "della": "la",
            "dell'": "l'",
            "dell’": "l’",
            "dei": "i",
            "degli": "gli",
            "delle": "le",
            "di": "",
        },
        ordinals=("Per prima cosa: {p}.", "Poi: {p}.", "Inoltre: {p}.", "Infine: {p}."),
        overview="I temi: {points}.",
        joiner="e",
        welcome="Benvenuti in {org}",
        about_articles={
            "sul": "il",
            "sullo": "lo",
            "sulla": "la",
            "sull'": "l'",
            "sui": "i",
            "sugli": "gli",
            "sulle": "le",
        },
        welcome_opening="Benvenuti in {org}! Ecco l'essenziale per iniziare.",
        for_word="Per",
    ),
    "pt": BriefWords(
        lead=r"(?:por\s+favor,?\s+)?(?:crie|cria|criem|criar|faça|faz|façam|produza|prepare|prepara|gere|"
        r"realize|quero|queremos|preciso|precisamos)",
        video=r"(?:vídeos?|videos?|clipes?|apresentaç(?:ão|ões)|tutoriais|tutorial|anúncios?|reels?)",
        about=r"(?:sobre|a\s+respeito\s+d[eoa]s?|acerca\s+d[eoa]s?|apresentando|explicando|que\s+apresente|"
        r"que\s+explique)",
        audience=r"(?:para|dirigido\s+a)",
        people=r"(?:funcionári[oa]s|colaborador(?:es|as)|colegas|clientes|estudantes|alunos|pais|pacientes|"
        r"visitantes|parceiros|investidores|desenvolvedores|programadores|usuários|utilizadores|membros|"
        r"equipes?|equipas?|iniciantes|professores|público|pessoal|trabalhadores|motoristas|voluntários|"
        r"contratad[oa]s)",
        of=r"(?:da|do|de|na|no)",
        new=r"\bnov[oa]s?\b",
        cover=r"(?:aborde|aborda|fale|fala|cubra|cobre|trate|trata|explique|explica|mencione|menciona|"
        r"apresente|apresenta|inclua|inclui|mostre|mostra|detalhe|detalha)",
        one_point=r"(?:aborde|aborda|fale|fala|cubra|cobre|trate|trata)",
        say=r"(?:mencione|menciona|diga|diz|explique|explica|lembre|lembra|destaque|destaca|indique|informe)"
        r"\s+que",
        producer=r"(?:use|usa|utilize|utiliza|mantenha|mantém|adicione|acrescente|termine|comece|ponha|"
        r"escolha|faça)",
        settings=r"(?:tom|estilo|voz|música|fonte|cores|avatar|legendas?|vertical|horizontal|formato|cenas?|"
        r"slides?|logo|segundos|minutos|amigável|simpático|formal|informal|dinâmico|calmo|curto|breve|"
        r"tiktok|reels?|shorts)",
        length=r"(?:segundos?|minutos?|seg|min|s)",
        and_=r"(?:e)",
        articles=r"(?:o|a|os|as|um|uma|nosso|nossa|nossos|nossas|seu|sua|seus|suas)",
        step=r"passo|etapa",
        cta=r"\b(?:inscreva-se|visite|reserve|compre|ligue|baixe|descarregue|contacte|contate|acesse|aceda)\b",
        stopwords=_stop(
            "o a os as um uma de do da dos das e ou mas com para por em no na nos nas é são será serão "
            "tem têm seu sua seus suas nosso nossa nossos nossas se que ao aos à às todo todos toda todas "
            "também mais muito"
        ),
        contractions={"do": "o", "da": "a", "dos": "os", "das": "as", "de": ""},
        ordinals=("Primeiro: {p}.", "Depois: {p}.", "Além disso: {p}.", "Por fim: {p}."),
        overview="Os temas: {points}.",
        joiner="e",
        welcome="Bem-vindos à {org}",
        welcome_opening="Bem-vindos à {org}! Eis o essencial para começar.",
        for_word="Para",
    ),
    "nl": BriefWords(
        lead=r"(?:graag\s+)?(?:maak|maakt|creëer|produceer|ontwerp|ik\s+wil|we\s+willen|wij\s+willen|"
        r"ik\s+heb\s+nodig|we\s+hebben\s+nodig)",
        video=r"[\w-]*(?:video|video's|filmpjes?|clips?|films?|presentaties?|uitleg|reels?)",
        about=r"(?:over|rond|omtrent)",
        audience=r"(?:voor|gericht\s+op)",
        people=r"(?:[\w-]*medewerkers|werknemers|collega['’]s|klanten|studenten|leerlingen|ouders|patiënten|"
        r"bezoekers|partners|investeerders|ontwikkelaars|gebruikers|leden|teams?|beginners|docenten|publiek|"
        r"personeel|chauffeurs|vrijwilligers|starters|nieuwkomers)",
        of=r"(?:van|bij|in)",
        new=r"\bnieuwe?\b",
        cover=r"(?:behandel|bespreek|leg\s+uit|vertel\s+over|noem|laat\s+zien|toon|presenteer|ga\s+in\s+op|"
        r"licht\s+toe)",
        one_point=r"(?:behandel|bespreek|vertel\s+over|ga\s+in\s+op)",
        say=r"(?:vermeld|zeg|noem|benadruk|vertel|herinner\s+eraan)\s*,?\s*dat",
        producer=r"(?:gebruik|houd|hou|voeg|eindig|begin|zet|kies|maak)",
        settings=r"(?:toon|stijl|stem|muziek|lettertype|kleuren|avatar|ondertitels?|ondertiteling|staand|liggend|"
        r"formaat|scènes?|dia'?s|logo|seconden|minuten|vriendelijke?|formele?|informele?|vrolijke?|rustige?|"
        r"korte?|tiktok|reels?|shorts)",
        length=r"(?:seconden|seconde|minuten|minuut|sec|min|s)",
        and_=r"(?:en)",
        articles=r"(?:de|het|een|onze|ons|jouw|je|uw)",
        step=r"stap",
        cta=r"\b(?:bezoek|meld\s+je\s+aan|schrijf\s+je\s+in|reserveer|bestel|bel|download|neem\s+contact)\b",
        stopwords=_stop(
            "de het een en of maar met voor van bij op in uit is zijn wordt worden heeft hebben je jouw "
            "uw onze ons zich er die dat dit deze te naar om ook nog alle hier dan als"
        ),
        ordinals=("Eerst: {p}.", "Dan: {p}.", "Verder: {p}.", "Tot slot: {p}."),
        overview="De onderwerpen: {points}.",
        joiner="en",
        welcome="Welkom bij {org}",
        welcome_opening="Welkom bij {org}! Dit moet je weten om te beginnen.",
        for_word="Voor",
        say_prefix="Onthoud dat {x}.",
    ),
}

# Languages without a full table: the verbs that list points and the joint before the last one,
# enough to make the points the video's structure.
LIST_WORDS: dict[str, tuple[str, str]] = {
    "sv": (r"(?:ta\s+upp|gå\s+igenom|berätta\s+om|beskriv|förklara|nämn|täck|presentera|visa)", r"(?:och)"),
    "da": (r"(?:gennemgå|fortæl\s+om|beskriv|forklar|nævn|dæk|præsenter|vis)", r"(?:og)"),
    "nb": (r"(?:gå\s+gjennom|fortell\s+om|beskriv|forklar|nevn|dekk|presenter|vis)", r"(?:og)"),
    "no": (r"(?:gå\s+gjennom|fortell\s+om|beskriv|forklar|nevn|dekk|presenter|vis)", r"(?:og)"),
    "pl": (r"(?:omów|opisz|wyjaśnij|przedstaw|wspomnij\s+o|pokaż|poruszy?j)", r"(?:i|oraz)"),
    "cs": (r"(?:proberte|probereme|popište|popiš|vysvětli|vysvětlete|zmiňte|představte|ukažte)", r"(?:a)"),
    "ro": (
        r"(?:prezintă|prezentați|explică|explicați|menționează|menționați|acoperă|vorbește\s+despre)",
        r"(?:și)",
    ),
    "ca": (r"(?:parla\s+de|explica|presenta|esmenta|tracta|cobreix)", r"(?:i)"),
    "fi": (r"(?:käsittele|kerro|esittele|mainitse|selitä)", r"(?:ja)"),
}
