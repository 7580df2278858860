/**
 * Word lists for the demo source. Everything here is invented or public code lists (ISO, IATA):
 * no real person's data. Names mix scripts and accents on purpose, so every layer is exercised with
 * multi-byte UTF-8; e-mail domains are the reserved example.* ones and phone numbers sit in ranges
 * set aside for fiction (+44 7700 900…, +1 …555-01…).
 */

/** A code list for a key column, with values of other columns of the same table aligned to each code. */
export interface CodeList {
  codes: readonly string[];
  aligned?: Readonly<Record<string, readonly string[]>>;
}

const currencies: [string, string, string][] = [
  ['EUR', 'Euro', '2'], ['USD', 'US dollar', '2'], ['GBP', 'Pound sterling', '2'], ['CHF', 'Swiss franc', '2'],
  ['JPY', 'Yen', '0'], ['SEK', 'Swedish krona', '2'], ['NOK', 'Norwegian krone', '2'], ['DKK', 'Danish krone', '2'],
  ['PLN', 'Złoty', '2'], ['CZK', 'Czech koruna', '2'], ['HUF', 'Forint', '2'], ['CAD', 'Canadian dollar', '2'],
  ['AUD', 'Australian dollar', '2'], ['BRL', 'Brazilian real', '2'], ['MXN', 'Mexican peso', '2'], ['ZAR', 'Rand', '2'],
  ['TRY', 'Turkish lira', '2'], ['AED', 'UAE dirham', '2'], ['THB', 'Baht', '2'], ['CNY', 'Yuan renminbi', '2'],
  ['ISK', 'Iceland króna', '0'], ['MAD', 'Moroccan dirham', '2'],
];

const countries: [string, string, string, string, string][] = [
  ['FR', 'FRA', 'France', 'EUR', 'Y'], ['DE', 'DEU', 'Germany', 'EUR', 'Y'], ['AT', 'AUT', 'Austria', 'EUR', 'Y'],
  ['IT', 'ITA', 'Italy', 'EUR', 'Y'], ['ES', 'ESP', 'Spain', 'EUR', 'Y'], ['PT', 'PRT', 'Portugal', 'EUR', 'Y'],
  ['NL', 'NLD', 'Netherlands', 'EUR', 'Y'], ['BE', 'BEL', 'Belgium', 'EUR', 'Y'], ['LU', 'LUX', 'Luxembourg', 'EUR', 'Y'],
  ['IE', 'IRL', 'Ireland', 'EUR', 'Y'], ['FI', 'FIN', 'Finland', 'EUR', 'Y'], ['GR', 'GRC', 'Greece', 'EUR', 'Y'],
  ['SI', 'SVN', 'Slovenia', 'EUR', 'Y'], ['SK', 'SVK', 'Slovakia', 'EUR', 'Y'], ['EE', 'EST', 'Estonia', 'EUR', 'Y'],
  ['LV', 'LVA', 'Latvia', 'EUR', 'Y'], ['LT', 'LTU', 'Lithuania', 'EUR', 'Y'], ['MT', 'MLT', 'Malta', 'EUR', 'Y'],
  ['CY', 'CYP', 'Cyprus', 'EUR', 'Y'], ['HR', 'HRV', 'Croatia', 'EUR', 'Y'], ['SE', 'SWE', 'Sweden', 'SEK', 'Y'],
  ['DK', 'DNK', 'Denmark', 'DKK', 'Y'], ['PL', 'POL', 'Poland', 'PLN', 'Y'], ['CZ', 'CZE', 'Czechia', 'CZK', 'Y'],
  ['HU', 'HUN', 'Hungary', 'HUF', 'Y'], ['RO', 'ROU', 'Romania', 'EUR', 'Y'], ['BG', 'BGR', 'Bulgaria', 'EUR', 'Y'],
  ['GB', 'GBR', 'United Kingdom', 'GBP', 'N'], ['CH', 'CHE', 'Switzerland', 'CHF', 'N'], ['NO', 'NOR', 'Norway', 'NOK', 'N'],
  ['IS', 'ISL', 'Iceland', 'ISK', 'N'], ['LI', 'LIE', 'Liechtenstein', 'CHF', 'N'], ['MC', 'MCO', 'Monaco', 'EUR', 'N'],
  ['AD', 'AND', 'Andorra', 'EUR', 'N'], ['SM', 'SMR', 'San Marino', 'EUR', 'N'], ['ME', 'MNE', 'Montenegro', 'EUR', 'N'],
  ['US', 'USA', 'United States', 'USD', 'N'], ['CA', 'CAN', 'Canada', 'CAD', 'N'], ['MX', 'MEX', 'Mexico', 'MXN', 'N'],
  ['BR', 'BRA', 'Brazil', 'BRL', 'N'], ['AU', 'AUS', 'Australia', 'AUD', 'N'], ['JP', 'JPN', 'Japan', 'JPY', 'N'],
  ['CN', 'CHN', 'China', 'CNY', 'N'], ['TH', 'THA', 'Thailand', 'THB', 'N'], ['AE', 'ARE', 'United Arab Emirates', 'AED', 'N'],
  ['TR', 'TUR', 'Türkiye', 'TRY', 'N'], ['ZA', 'ZAF', 'South Africa', 'ZAR', 'N'], ['MA', 'MAR', 'Morocco', 'MAD', 'N'],
  ['EC', 'ECU', 'Ecuador', 'USD', 'N'], ['SV', 'SLV', 'El Salvador', 'USD', 'N'], ['PA', 'PAN', 'Panama', 'USD', 'N'],
  ['PR', 'PRI', 'Puerto Rico', 'USD', 'N'], ['XK', 'XKX', 'Kosovo', 'EUR', 'N'], ['VA', 'VAT', 'Holy See', 'EUR', 'N'],
  ['GL', 'GRL', 'Greenland', 'DKK', 'N'], ['FO', 'FRO', 'Faroe Islands', 'DKK', 'N'], ['RE', 'REU', 'Réunion', 'EUR', 'Y'],
  ['GP', 'GLP', 'Guadeloupe', 'EUR', 'Y'], ['MQ', 'MTQ', 'Martinique', 'EUR', 'Y'], ['BL', 'BLM', 'Saint-Barthélemy', 'EUR', 'N'],
];

const languages: [string, string, string][] = [
  ['en', 'English', 'Y'], ['fr', 'Français', 'Y'], ['de', 'Deutsch', 'Y'], ['it', 'Italiano', 'Y'], ['es', 'Español', 'Y'],
  ['pt', 'Português', 'N'], ['nl', 'Nederlands', 'Y'], ['sv', 'Svenska', 'N'], ['da', 'Dansk', 'N'], ['no', 'Norsk', 'N'],
  ['pl', 'Polski', 'N'], ['cs', 'Čeština', 'N'], ['el', 'Ελληνικά', 'N'], ['ru', 'Русский', 'N'], ['ja', '日本語', 'N'],
  ['zh', '中文', 'N'],
];

const resortPlaces = [
  'Alpenrose Saalbach', 'Côte Sauvage', 'Lago di Garda', 'Costa Brava Mar', 'Algarve Dunas', 'Kreta Elounda',
  'Fjällby Åre', 'Tatra Zakopane', 'Dolomiti Val Gardena', 'Mallorca Sóller', 'Chamonix Mont-Blanc', 'Zermatt Matterhorn',
  'Marrakech Palmeraie', 'Antalya Belek', 'Tenerife Teide', 'Bretagne Quiberon', 'Sylt Kampen', 'Hvar Otok',
  'Phuket Kata', 'Hokkaidō Niseko', 'Santorini Oia', 'Madeira Funchal', 'Lapland Levi', 'Provence Lubéron',
];
const resortZones = [
  'Europe/Vienna', 'Europe/Paris', 'Europe/Rome', 'Europe/Madrid', 'Europe/Lisbon', 'Europe/Athens', 'Europe/Stockholm',
  'Europe/Warsaw', 'Europe/Rome', 'Europe/Madrid', 'Europe/Paris', 'Europe/Zurich', 'Africa/Casablanca', 'Europe/Istanbul',
  'Atlantic/Canary', 'Europe/Paris', 'Europe/Berlin', 'Europe/Zagreb', 'Asia/Bangkok', 'Asia/Tokyo', 'Europe/Athens',
  'Europe/Lisbon', 'Europe/Helsinki', 'Europe/Paris',
];
const resortCountries = ['AT', 'FR', 'IT', 'ES', 'PT', 'GR', 'SE', 'PL', 'IT', 'ES', 'FR', 'CH', 'MA', 'TR', 'ES', 'FR', 'DE', 'HR', 'TH', 'JP', 'GR', 'PT', 'FI', 'FR'];
const resortCodes = ['ALP1', 'CSV1', 'GAR1', 'CBR1', 'ALG1', 'KRE1', 'ARE1', 'TAT1', 'DOL1', 'MAL1', 'CHX1', 'ZER1', 'MRK1', 'ANT1', 'TEN1', 'BRE1', 'SYL1', 'HVR1', 'PHK1', 'NIS1', 'SAN1', 'MAD1', 'LEV1', 'PRV1'];

const airports: [string, string, string, string][] = [
  ['CDG', 'Paris Charles de Gaulle', 'FR', 'Europe/Paris'], ['ORY', 'Paris Orly', 'FR', 'Europe/Paris'],
  ['FRA', 'Frankfurt am Main', 'DE', 'Europe/Berlin'], ['MUC', 'München', 'DE', 'Europe/Berlin'],
  ['VIE', 'Wien-Schwechat', 'AT', 'Europe/Vienna'], ['SZG', 'Salzburg', 'AT', 'Europe/Vienna'],
  ['ZRH', 'Zürich', 'CH', 'Europe/Zurich'], ['GVA', 'Genève', 'CH', 'Europe/Zurich'], ['LHR', 'London Heathrow', 'GB', 'Europe/London'],
  ['LGW', 'London Gatwick', 'GB', 'Europe/London'], ['AMS', 'Amsterdam Schiphol', 'NL', 'Europe/Amsterdam'],
  ['BRU', 'Brussels', 'BE', 'Europe/Brussels'], ['MAD', 'Madrid-Barajas', 'ES', 'Europe/Madrid'], ['PMI', 'Palma de Mallorca', 'ES', 'Europe/Madrid'],
  ['TFS', 'Tenerife Sur', 'ES', 'Atlantic/Canary'], ['FAO', 'Faro', 'PT', 'Europe/Lisbon'], ['FNC', 'Madeira', 'PT', 'Atlantic/Madeira'],
  ['HER', 'Heraklion', 'GR', 'Europe/Athens'], ['JTR', 'Santorini', 'GR', 'Europe/Athens'], ['VRN', 'Verona', 'IT', 'Europe/Rome'],
  ['VCE', 'Venezia', 'IT', 'Europe/Rome'], ['SPU', 'Split', 'HR', 'Europe/Zagreb'], ['AYT', 'Antalya', 'TR', 'Europe/Istanbul'],
  ['RAK', 'Marrakech Menara', 'MA', 'Africa/Casablanca'], ['HKT', 'Phuket', 'TH', 'Asia/Bangkok'], ['CTS', 'New Chitose', 'JP', 'Asia/Tokyo'],
  ['KTT', 'Kittilä', 'FI', 'Europe/Helsinki'], ['OSD', 'Åre Östersund', 'SE', 'Europe/Stockholm'], ['KRK', 'Kraków', 'PL', 'Europe/Warsaw'],
  ['CPH', 'København', 'DK', 'Europe/Copenhagen'],
];

const column = <T>(rows: readonly T[][], i: number): string[] => rows.map((r) => String(r[i]));

/** Key code lists by column name; a key column without one gets generated codes. */
export const codeLists: Record<string, CodeList> = {
  CURRENCY_CODE: { codes: column(currencies, 0), aligned: { CURRENCY_NAME: column(currencies, 1), MINOR_UNITS: column(currencies, 2) } },
  COUNTRY_CODE: {
    codes: column(countries, 0),
    aligned: { ISO3_CODE: column(countries, 1), COUNTRY_NAME: column(countries, 2), CURRENCY_CODE: column(countries, 3), EU_MEMBER_FLAG: column(countries, 4) },
  },
  LANGUAGE_CODE: { codes: column(languages, 0), aligned: { LANGUAGE_NAME: column(languages, 1), CALL_CENTRE_FLAG: column(languages, 2) } },
  RESORT_CODE: { codes: resortCodes, aligned: { RESORT_NAME: resortPlaces, COUNTRY_CODE: resortCountries, TIMEZONE_NAME: resortZones } },
  AIRPORT_CODE: { codes: column(airports, 0), aligned: { AIRPORT_NAME: column(airports, 1), COUNTRY_CODE: column(airports, 2), TIMEZONE_NAME: column(airports, 3) } },
  CHANNEL_CODE: {
    codes: ['WEB', 'CCN', 'AGY', 'OTA', 'MOB', 'GRP', 'B2B', 'TOP'],
    aligned: {
      CHANNEL_NAME: ['Website', 'Call centre', 'Travel agency', 'Online travel agent', 'Mobile app', 'Groups desk', 'Corporate', 'Tour operator'],
      CHANNEL_TYPE: ['D', 'D', 'A', 'O', 'D', 'D', 'A', 'A'],
    },
  },
  MEAL_PLAN_CODE: { codes: ['RO', 'BB', 'HB', 'FB', 'AI'], aligned: { DESCRIPTION: ['Room only', 'Bed & breakfast', 'Half board', 'Full board', 'All inclusive'] } },
  TIER_CODE: { codes: ['BR', 'SI', 'GO', 'PL'], aligned: { TIER_NAME: ['Bronze', 'Silver', 'Gold', 'Platinum'], MIN_POINTS: ['0', '5000', '20000', '60000'] } },
  ROOM_TYPE: { codes: ['DBLS', 'DBLG', 'SGLS', 'FAM2', 'STUD', 'SUIT', 'TRPL', 'APT4'] },
  SEASON_CODE: { codes: ['W25H', 'W25L', 'S25H', 'S25L', 'W26H', 'W26L', 'S26H', 'S26L'] },
  PREFERENCE_CODE: { codes: ['FLOOR', 'PILLOW', 'DIET', 'MOBIL', 'VIEW', 'BED', 'QUIET'] },
  PURPOSE_CODE: { codes: ['NEWS', 'PROF', 'PART', 'SMS'] },
};

export const firstNames = [
  'Zoë', 'José', 'Søren', 'Łukasz', 'Ελένη', 'Müller', 'Ñandú', 'François', 'Anaïs', 'Björn', 'Chloé', 'Jürgen', 'Inès',
  'Małgorzata', 'Dmitri', 'Дмитрий', 'Анна', 'さくら', '陽翔', '美咲', 'Wei', '北京', 'Ólafur', 'Aoife', 'Siobhán', 'Jiří',
  'Zsófia', 'Çağla', 'Giulia', 'Matteo', 'Emma', 'Liam', 'Noah', 'Olivia', 'Léa', 'Hugo', 'Lucía', 'Mateo', 'Sofía', 'Nikos',
  'Γιώργος', 'Ingrid', 'Åsa', 'Mads', 'Frédéric', 'Renée', 'Ngozi', 'Aditi', 'Thảo', 'Jan', 'Eva', 'Tomás', 'Kateřina',
];

export const lastNames = [
  'Müller', 'García', 'Nowak', 'Søndergaard', 'Dubois', 'Rossi', 'Papadopoulos', 'Παπαδοπούλου', 'Иванов', 'Смирнова',
  'Yamamoto', '山田', '佐藤', '王', 'Li', 'Ó Briain', "O'Connor", 'van der Berg', 'de la Fuente', 'Šimůnek', 'Kovačević',
  'Öztürk', 'Ångström', 'Þórsdóttir', 'Lefèvre', 'Schäfer', 'Weiß', 'Jørgensen', 'Fernández', 'Gonçalves', 'Nguyễn',
  'Dąbrowski', 'Szabó', 'Novák', 'Bianchi', 'Martin', 'Bernard', 'Smith', 'Jones', 'Andersson', 'Virtanen', 'Horvát',
];

/** ASCII-only local parts for e-mail addresses (real mailboxes rarely carry accents). */
export const mailLocals = ['zoe', 'jose', 'soren', 'lukasz', 'eleni', 'anna', 'hugo', 'lea', 'mateo', 'sofia', 'wei', 'sakura', 'liam', 'emma', 'jan', 'eva', 'nikos', 'ingrid', 'mads', 'aditi'];
export const mailDomains = ['example.com', 'example.org', 'example.net', 'mail.example', 'post.example.de', 'courriel.example.fr'];

export const cities = [
  'Zürich', 'Kraków', 'São Paulo', 'Reykjavík', 'München', 'Málaga', 'Göteborg', 'Москва', '東京', '北京', 'Αθήνα',
  'Lyon', 'Milano', 'Porto', 'Brno', 'Łódź', 'Genève', 'Köln', 'Aarhus', 'Tromsø', 'Düsseldorf', 'Sevilla', 'Bordeaux',
];
export const streets = ['Hauptstraße', 'Rue de la Paix', 'Via Roma', 'Calle Mayor', 'ulica Długa', 'Strandvägen', 'Kirkegade', 'Ταχυδρόμου', 'Тверская улица', 'High Street', 'Rua Augusta', 'Náměstí Míru'];
export const words = [
  'room', 'sea', 'view', 'late', 'arrival', 'transfer', 'ski', 'pass', 'spa', 'dinner', 'quiet', 'family', 'upgrade', 'balcony',
  'garden', 'pool', 'shuttle', 'breakfast', 'vegan', 'gluten', 'free', 'cot', 'crib', 'wheelchair', 'access', 'anniversary',
  'chambre', 'vue', 'mer', 'Frühstück', 'Zimmer', 'camera', 'habitación', 'piscina', 'sjöutsikt', 'près', 'über', 'naïve',
];
export const timezones = ['Europe/Paris', 'Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'Europe/Madrid', 'Europe/Rome', 'Europe/Lisbon', 'Europe/Athens', 'Asia/Tokyo', 'America/New_York'];
export const agentIds = ['agt.mora', 'agt.kowalczyk', 'agt.lindgren', 'agt.okoro', 'agt.ferrari', 'agt.dubois', 'batch.nightly', 'agt.tanaka'];
export const teams = ['growth', 'crm', 'brand', 'partnerships', 'retention'];
