"""Invented-looking but common Swedish names, most frequent first (the generator draws them
with falling weights, so a few surnames are common and most are rare, as in a real register)."""

FIRST_NAMES = (
    "Erik", "Anna", "Lars", "Maria", "Karl", "Eva", "Anders", "Karin", "Johan", "Kristina",
    "Per", "Lena", "Mikael", "Sara", "Daniel", "Emma", "Ahmed", "Fatima", "Jonas", "Elin",
    "Oskar", "Linnea", "Mohammed", "Amina", "Peter", "Sofia", "Fredrik", "Hanna", "Henrik",
    "Ida", "Marcus", "Julia", "Andreas", "Maja", "Niklas", "Ebba", "Ali", "Leyla", "Emil",
    "Frida", "Viktor", "Alva", "Omar", "Nora", "Simon", "Matilda", "Hassan", "Yasmin", "Tobias",
    "Moa", "Robin", "Klara", "Joakim", "Wilma", "Sebastian", "Agnes", "Mustafa", "Zeynep",
    "Patrik", "Ronja", "Dragan", "Mirela", "Tomas", "Helena", "Goran", "Jelena", "Adam", "Saga",
    "Isak", "Tilda", "Ibrahim", "Nadia", "Kevin", "Felicia", "Jesper", "Tove", "Rasmus",
    "Lovisa", "Hugo", "Astrid",
)  # fmt: skip

LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Ali", "Mohammed", "Ahmed", "Hassan", "Yilmaz", "Nyström", "Holmberg", "Öberg", "Ekström",
    "Haddad", "Wallin", "Engström", "Danielsson", "Håkansson", "Lundin", "Björk", "Bergman",
    "Gunnarsson", "Holm", "Samuelsson", "Fransson", "Wikström", "Isaksson", "Bergqvist",
    "Arvidsson", "Nordström", "Mahmoud", "Kovačević", "Petrović", "Nguyen", "Abdi", "Omar",
    "Sundberg", "Falk", "Söderberg", "Eklund", "Nordin", "Sandström", "Åberg", "Ström",
    "Hedlund", "Dahlberg", "Hermansson", "Sjögren", "Mäkinen", "Korhonen", "Rahimi", "Karimi",
)  # fmt: skip

PLACES = (
    "Alingsås", "Borås", "Kungälv", "Lerum", "Stenungsund", "Trollhättan", "Uddevalla",
    "Vänersborg", "Lidköping", "Skövde", "Falköping", "Mariestad", "Härryda", "Ale",
    "Tjörn", "Orust", "Lysekil", "Strömstad", "Ulricehamn", "Mark", "Vara", "Tidaholm",
    "Öckerö", "Lilla Edet", "Herrljunga", "Vårgårda", "Götene", "Grästorp", "Essunga",
    "Bollebygd", "Tranemo", "Svenljunga", "Mellerud", "Bengtsfors", "Åmål", "Dals-Ed",
)  # fmt: skip

DISTRICTS = (
    "Nordost", "Centrum", "Sydväst", "Hisingen", "Norr", "Söder", "Öster", "Väster",
    "Mitt", "Kusten", "Dalen", "Staden", "Norra Hisingen", "Västra Göteborg",
)  # fmt: skip

INSTITUTIONS = (
    "Rådanefors", "Salberga", "Skogome", "Hällby", "Tidaholm", "Kumla", "Hall", "Kalmar",
    "Norrtälje", "Saltvik", "Hinseberg", "Ystad", "Västervik", "Mariefred", "Luleå", "Sörbyn",
)  # fmt: skip

COURTS = (
    "Göteborgs tingsrätt", "Borås tingsrätt", "Alingsås tingsrätt", "Vänersborgs tingsrätt",
    "Uddevalla tingsrätt", "Skaraborgs tingsrätt", "Varbergs tingsrätt",
)  # fmt: skip
