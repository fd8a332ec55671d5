/**
 * US states and territories with their main time zone and their area codes (NANPA assignments, overlays
 * announced through 2025 included: a code that is not in service yet simply never matches).
 *
 * The zone is the one most of the state's people live in. Where an area code lies partly or wholly in another
 * zone than its state's main one, AREA_CODE_ZONES says so, because guessing Chicago for El Paso would send a
 * text at 07:00 local time.
 */

export interface UsState {
  name: string;
  timeZone: string;
  areaCodes: readonly number[];
}

export const US_STATES = {
  AL: { name: 'Alabama', timeZone: 'America/Chicago', areaCodes: [205, 251, 256, 334, 483, 659, 938] },
  AK: { name: 'Alaska', timeZone: 'America/Anchorage', areaCodes: [907] },
  AZ: { name: 'Arizona', timeZone: 'America/Phoenix', areaCodes: [480, 520, 602, 623, 928] },
  AR: { name: 'Arkansas', timeZone: 'America/Chicago', areaCodes: [327, 479, 501, 870] },
  CA: {
    name: 'California',
    timeZone: 'America/Los_Angeles',
    areaCodes: [
      209, 213, 279, 310, 323, 341, 350, 357, 369, 408, 415, 424, 442, 510, 530, 559, 562, 619, 626, 628, 650, 657, 661,
      669, 707, 714, 738, 747, 760, 805, 818, 820, 831, 837, 840, 858, 909, 916, 925, 949, 951,
    ],
  },
  CO: { name: 'Colorado', timeZone: 'America/Denver', areaCodes: [303, 719, 720, 748, 970, 983] },
  CT: { name: 'Connecticut', timeZone: 'America/New_York', areaCodes: [203, 475, 860, 959] },
  DE: { name: 'Delaware', timeZone: 'America/New_York', areaCodes: [302] },
  DC: { name: 'District of Columbia', timeZone: 'America/New_York', areaCodes: [202, 771] },
  FL: {
    name: 'Florida',
    timeZone: 'America/New_York',
    areaCodes: [
      239, 305, 321, 324, 352, 386, 407, 448, 561, 645, 656, 689, 727, 728, 754, 772, 786, 813, 850, 863, 904, 941, 954,
    ],
  },
  GA: { name: 'Georgia', timeZone: 'America/New_York', areaCodes: [229, 404, 470, 478, 678, 706, 762, 770, 912, 943] },
  HI: { name: 'Hawaii', timeZone: 'Pacific/Honolulu', areaCodes: [808] },
  ID: { name: 'Idaho', timeZone: 'America/Boise', areaCodes: [208, 986] },
  IL: {
    name: 'Illinois',
    timeZone: 'America/Chicago',
    areaCodes: [217, 224, 309, 312, 331, 447, 464, 618, 630, 708, 730, 773, 779, 815, 847, 861, 872],
  },
  IN: {
    name: 'Indiana',
    timeZone: 'America/Indiana/Indianapolis',
    areaCodes: [219, 260, 317, 463, 574, 765, 812, 930],
  },
  IA: { name: 'Iowa', timeZone: 'America/Chicago', areaCodes: [319, 515, 563, 641, 712] },
  KS: { name: 'Kansas', timeZone: 'America/Chicago', areaCodes: [316, 620, 785, 913] },
  KY: { name: 'Kentucky', timeZone: 'America/New_York', areaCodes: [270, 364, 502, 606, 859] },
  LA: { name: 'Louisiana', timeZone: 'America/Chicago', areaCodes: [225, 318, 337, 457, 504, 985] },
  ME: { name: 'Maine', timeZone: 'America/New_York', areaCodes: [207] },
  MD: { name: 'Maryland', timeZone: 'America/New_York', areaCodes: [227, 240, 301, 410, 443, 667] },
  MA: { name: 'Massachusetts', timeZone: 'America/New_York', areaCodes: [339, 351, 413, 508, 617, 774, 781, 857, 978] },
  MI: {
    name: 'Michigan',
    timeZone: 'America/Detroit',
    areaCodes: [231, 248, 269, 313, 517, 586, 616, 679, 734, 810, 906, 947, 989],
  },
  MN: { name: 'Minnesota', timeZone: 'America/Chicago', areaCodes: [218, 320, 507, 612, 651, 763, 924, 952] },
  MS: { name: 'Mississippi', timeZone: 'America/Chicago', areaCodes: [228, 601, 662, 769] },
  MO: { name: 'Missouri', timeZone: 'America/Chicago', areaCodes: [314, 417, 557, 573, 636, 660, 816, 975] },
  MT: { name: 'Montana', timeZone: 'America/Denver', areaCodes: [406] },
  NE: { name: 'Nebraska', timeZone: 'America/Chicago', areaCodes: [308, 402, 531] },
  NV: { name: 'Nevada', timeZone: 'America/Los_Angeles', areaCodes: [702, 725, 775] },
  NH: { name: 'New Hampshire', timeZone: 'America/New_York', areaCodes: [603] },
  NJ: {
    name: 'New Jersey',
    timeZone: 'America/New_York',
    areaCodes: [201, 551, 609, 640, 732, 848, 856, 862, 908, 973],
  },
  NM: { name: 'New Mexico', timeZone: 'America/Denver', areaCodes: [505, 575] },
  NY: {
    name: 'New York',
    timeZone: 'America/New_York',
    areaCodes: [
      212, 315, 329, 332, 347, 363, 516, 518, 585, 607, 624, 631, 646, 680, 716, 718, 838, 845, 914, 917, 929, 934,
    ],
  },
  NC: {
    name: 'North Carolina',
    timeZone: 'America/New_York',
    areaCodes: [252, 336, 472, 704, 743, 828, 910, 919, 980, 984],
  },
  ND: { name: 'North Dakota', timeZone: 'America/Chicago', areaCodes: [701] },
  OH: {
    name: 'Ohio',
    timeZone: 'America/New_York',
    areaCodes: [216, 220, 234, 283, 326, 330, 380, 419, 436, 440, 513, 567, 614, 740, 937],
  },
  OK: { name: 'Oklahoma', timeZone: 'America/Chicago', areaCodes: [405, 539, 572, 580, 918] },
  OR: { name: 'Oregon', timeZone: 'America/Los_Angeles', areaCodes: [458, 503, 541, 971] },
  PA: {
    name: 'Pennsylvania',
    timeZone: 'America/New_York',
    areaCodes: [215, 223, 267, 272, 412, 445, 484, 570, 582, 610, 717, 724, 814, 835, 878],
  },
  RI: { name: 'Rhode Island', timeZone: 'America/New_York', areaCodes: [401] },
  SC: { name: 'South Carolina', timeZone: 'America/New_York', areaCodes: [803, 821, 839, 843, 854, 864] },
  SD: { name: 'South Dakota', timeZone: 'America/Chicago', areaCodes: [605] },
  TN: { name: 'Tennessee', timeZone: 'America/Chicago', areaCodes: [423, 615, 629, 731, 865, 901, 931] },
  TX: {
    name: 'Texas',
    timeZone: 'America/Chicago',
    areaCodes: [
      210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682, 713, 726, 737, 806, 817, 830, 832, 903, 915, 936,
      940, 945, 956, 972, 979,
    ],
  },
  UT: { name: 'Utah', timeZone: 'America/Denver', areaCodes: [385, 435, 801] },
  VT: { name: 'Vermont', timeZone: 'America/New_York', areaCodes: [802] },
  VA: { name: 'Virginia', timeZone: 'America/New_York', areaCodes: [276, 434, 540, 571, 703, 757, 804, 826, 948] },
  WA: { name: 'Washington', timeZone: 'America/Los_Angeles', areaCodes: [206, 253, 360, 425, 509, 564] },
  WV: { name: 'West Virginia', timeZone: 'America/New_York', areaCodes: [304, 681] },
  WI: { name: 'Wisconsin', timeZone: 'America/Chicago', areaCodes: [262, 274, 353, 414, 534, 608, 715, 920] },
  WY: { name: 'Wyoming', timeZone: 'America/Denver', areaCodes: [307] },
  PR: { name: 'Puerto Rico', timeZone: 'America/Puerto_Rico', areaCodes: [787, 939] },
  VI: { name: 'U.S. Virgin Islands', timeZone: 'America/St_Thomas', areaCodes: [340] },
  GU: { name: 'Guam', timeZone: 'Pacific/Guam', areaCodes: [671] },
  MP: { name: 'Northern Mariana Islands', timeZone: 'Pacific/Saipan', areaCodes: [670] },
  AS: { name: 'American Samoa', timeZone: 'Pacific/Pago_Pago', areaCodes: [684] },
} as const satisfies Record<string, UsState>;

export type StateCode = keyof typeof US_STATES;

/**
 * The zones of area codes that do not lie wholly in their state's main zone, main zone first (docs/compliance-hours.md
 * lists them with their source). A code spanning two zones has both: a text to it must suit either.
 */
export const AREA_CODE_ZONES: Readonly<Record<number, readonly string[]>> = {
  915: ['America/Denver'], // El Paso
  432: ['America/Chicago', 'America/Denver'], // west Texas: Culberson County is on Mountain time
  850: ['America/New_York', 'America/Chicago'], // Florida panhandle: Tallahassee Eastern, Pensacola Central
  448: ['America/New_York', 'America/Chicago'], // overlay of 850
  906: ['America/Detroit', 'America/Menominee'], // Upper Peninsula: four counties on Central time
  812: ['America/Indiana/Indianapolis', 'America/Chicago'], // south-west Indiana (Evansville) on Central
  930: ['America/Indiana/Indianapolis', 'America/Chicago'], // overlay of 812
  574: ['America/Indiana/Indianapolis', 'America/Chicago'], // Starke County on Central
  219: ['America/Chicago'], // north-west Indiana
  270: ['America/Chicago', 'America/New_York'], // western Kentucky, a few counties Eastern
  364: ['America/Chicago', 'America/New_York'], // overlay of 270
  606: ['America/New_York', 'America/Chicago'], // eastern Kentucky, four counties Central
  423: ['America/New_York', 'America/Chicago'], // east Tennessee, Marion County Central
  865: ['America/New_York'], // Knoxville
  620: ['America/Chicago', 'America/Denver'], // south Kansas, western counties Mountain
  785: ['America/Chicago', 'America/Denver'], // north Kansas, Sherman and Wallace Mountain
  308: ['America/Chicago', 'America/Denver'], // western Nebraska
  701: ['America/Chicago', 'America/Denver'], // North Dakota, south-west Mountain
  605: ['America/Chicago', 'America/Denver'], // South Dakota, west river Mountain
  208: ['America/Boise', 'America/Los_Angeles'], // Idaho: the panhandle is Pacific
  986: ['America/Boise', 'America/Los_Angeles'], // overlay of 208
  541: ['America/Los_Angeles', 'America/Boise'], // Oregon: Malheur County Mountain
  458: ['America/Los_Angeles', 'America/Boise'], // overlay of 541
  775: ['America/Los_Angeles', 'America/Denver'], // Nevada: West Wendover Mountain
  928: ['America/Phoenix', 'America/Denver'], // Navajo Nation keeps daylight saving time
  907: ['America/Anchorage', 'America/Adak'], // Aleutians west of 169.5 W
};

const STATE_BY_AREA_CODE: ReadonlyMap<number, StateCode> = new Map(
  (Object.keys(US_STATES) as StateCode[]).flatMap((code) =>
    US_STATES[code].areaCodes.map((areaCode): [number, StateCode] => [areaCode, code]),
  ),
);

export function isStateCode(text: string): text is StateCode {
  return Object.hasOwn(US_STATES, text);
}

/** The state (or territory) of a US area code, or null for Canada, the Caribbean and unassigned codes. */
export function areaCodeState(areaCode: number): StateCode | null {
  return STATE_BY_AREA_CODE.get(areaCode) ?? null;
}

/** The main zone of a US area code (the first of areaCodeZones), or null for a code outside the US. */
export function areaCodeZone(areaCode: number): string | null {
  return areaCodeZones(areaCode)[0] ?? null;
}

/** Every zone a US area code covers, main first; empty for Canada, the Caribbean and unassigned codes. */
export function areaCodeZones(areaCode: number): readonly string[] {
  const state = areaCodeState(areaCode);
  if (state === null) return [];
  return AREA_CODE_ZONES[areaCode] ?? [US_STATES[state].timeZone];
}

/** Every zone a state's area codes cover, its main zone first. */
export function stateZones(state: StateCode): readonly string[] {
  const zones = new Set<string>([US_STATES[state].timeZone]);
  for (const areaCode of US_STATES[state].areaCodes) for (const zone of areaCodeZones(areaCode)) zones.add(zone);
  return [...zones];
}

/**
 * A phone number in E.164 (`+15551234567`), or null. Accepts GHL's E.164 and the usual US ways of writing a
 * 10-digit number ("(555) 123-4567", "1-555-123-4567"); a number without `+` is taken as North American.
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[+\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}

/** The area code of a North American number (`+1` and 10 digits, area code starting 2-9), or null. */
export function phoneAreaCode(phone: string): number | null {
  const e164 = normalizePhone(phone);
  const match = e164 === null ? null : /^\+1([2-9]\d{2})\d{7}$/.exec(e164);
  return match ? Number(match[1]) : null;
}
