import { PhoneNumberUtil } from 'google-libphonenumber';

/**
 * Phone number validity from libphonenumber's metadata, with its regular expressions compiled once per region.
 *
 * libphonenumber's own `isValidNumber` builds a `RegExp` from a pattern string on every check (tens of microseconds
 * a number, too slow for the gateway's input stage), so the detector reads the same metadata and keeps the compiled
 * patterns. The rule is libphonenumber's: a national significant number is valid for a region when it matches the
 * region's general pattern and the pattern of one number type (fixed line, mobile, toll free, …), each with the
 * lengths that type allows. A spec checks that the two agree.
 */

/** The parts of libphonenumber's metadata objects read here (its published typings leave them out). */
interface NumberDescMetadata {
  hasNationalNumberPattern(): boolean;
  getNationalNumberPattern(): string;
  possibleLengthArray(): number[];
}

interface RegionMetadata {
  getCountryCode(): number;
  hasNationalPrefix(): boolean;
  getNationalPrefix(): string;
  getGeneralDesc(): NumberDescMetadata;
}

interface MetadataSource {
  getMetadataForRegion(region: string): RegionMetadata | null | undefined;
  getMetadataForNonGeographicalRegion(countryCode: number): RegionMetadata | null | undefined;
  getRegionCodesForCountryCode(countryCode: number): string[];
  getRegionCodeForCountryCode(countryCode: number): string;
}

const util = PhoneNumberUtil.getInstance() as unknown as MetadataSource;

/** The number types libphonenumber checks, in its order (`getNumberTypeHelper`). */
const NUMBER_TYPES = [
  'PremiumRate',
  'TollFree',
  'SharedCost',
  'Voip',
  'PersonalNumber',
  'Pager',
  'Uan',
  'Voicemail',
  'FixedLine',
  'Mobile',
] as const;

interface CompiledDesc {
  /** Null when the metadata lists no lengths (then the pattern alone decides). */
  lengths: ReadonlySet<number> | null;
  pattern: RegExp;
}

export interface PhoneRegion {
  /** ISO 3166 region code, or `001` for a non-geographic entity (international freephone, satellite, …). */
  region: string;
  countryCode: number;
  /** The national (trunk) prefix dialled before a national number, such as `0` in Germany; null where there is none. */
  nationalPrefix: string | null;
  general: CompiledDesc;
  types: CompiledDesc[];
}

const compiledRegions = new Map<string, PhoneRegion | null>();
const NON_GEOGRAPHIC = '001';

/** The compiled metadata of a region (`GB`, `US`, …), or null for a region libphonenumber does not know. */
export function phoneRegion(region: string): PhoneRegion | null {
  let compiled = compiledRegions.get(region);
  if (compiled === undefined) {
    compiled = compileRegion(region, util.getMetadataForRegion(region));
    compiledRegions.set(region, compiled);
  }
  return compiled;
}

const regionsByCountryCode = new Map<number, PhoneRegion[]>();

/** Every region that shares a country calling code (`44`: GB, GG, IM, JE), or the non-geographic entity. */
export function phoneRegionsForCountryCode(countryCode: number): PhoneRegion[] {
  let regions = regionsByCountryCode.get(countryCode);
  if (regions === undefined) {
    const codes = util.getRegionCodesForCountryCode(countryCode);
    regions =
      codes.length === 0
        ? nonGeographicRegion(countryCode)
        : codes.map((code) => phoneRegion(code)).filter((region): region is PhoneRegion => region !== null);
    regionsByCountryCode.set(countryCode, regions);
  }
  return regions;
}

function nonGeographicRegion(countryCode: number): PhoneRegion[] {
  const compiled = compileRegion(NON_GEOGRAPHIC, util.getMetadataForNonGeographicalRegion(countryCode));
  return compiled === null ? [] : [compiled];
}

/** Country calling codes are prefix-free and one to three digits long: at most one prefix of `digits` is one. */
export function splitCountryCode(digits: string): { countryCode: number; rest: string } | null {
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const countryCode = Number(digits.slice(0, length));
    if (util.getRegionCodeForCountryCode(countryCode) !== 'ZZ') return { countryCode, rest: digits.slice(length) };
  }
  return null;
}

/** libphonenumber's validity rule: the general pattern and one type's pattern, each with its lengths. */
export function isValidNationalNumber(region: PhoneRegion, nationalNumber: string): boolean {
  if (!matchesDesc(region.general, nationalNumber)) return false;
  return region.types.some((type) => matchesDesc(type, nationalNumber));
}

/** The first region of the country code where the national significant number is valid, or null. */
export function validRegionForNationalNumber(countryCode: number, nationalNumber: string): PhoneRegion | null {
  for (const region of phoneRegionsForCountryCode(countryCode)) {
    if (isValidNationalNumber(region, nationalNumber)) return region;
  }
  return null;
}

/**
 * The region of an international number given as its digits after `+` (country code first), or null when it is
 * not valid. Like libphonenumber's parser, it accepts a national prefix written after the country code
 * (`+44 020 …`, usually `+44 (0)20 …`).
 */
export function regionOfInternationalNumber(digits: string): PhoneRegion | null {
  const split = splitCountryCode(digits);
  if (split === null) return null;
  const valid = validRegionForNationalNumber(split.countryCode, split.rest);
  if (valid !== null) return valid;
  const prefix = phoneRegionsForCountryCode(split.countryCode)[0]?.nationalPrefix;
  if (!prefix || !split.rest.startsWith(prefix)) return null;
  return validRegionForNationalNumber(split.countryCode, split.rest.slice(prefix.length));
}

function matchesDesc(desc: CompiledDesc, nationalNumber: string): boolean {
  if (desc.lengths !== null && !desc.lengths.has(nationalNumber.length)) return false;
  return desc.pattern.test(nationalNumber);
}

function compileRegion(region: string, metadata: RegionMetadata | null | undefined): PhoneRegion | null {
  if (!metadata) return null;
  const general = compileDesc(metadata.getGeneralDesc());
  if (general === null) return null;
  const record = metadata as unknown as Record<string, () => unknown>;
  const types: CompiledDesc[] = [];
  for (const type of NUMBER_TYPES) {
    if (!(record[`has${type}`] as () => boolean).call(metadata)) continue;
    const compiled = compileDesc((record[`get${type}`] as () => NumberDescMetadata).call(metadata));
    if (compiled !== null) types.push(compiled);
  }
  const prefix = metadata.hasNationalPrefix() ? metadata.getNationalPrefix() : '';
  return {
    region,
    countryCode: metadata.getCountryCode(),
    nationalPrefix: /^\d+$/.test(prefix) ? prefix : null,
    general,
    types,
  };
}

function compileDesc(desc: NumberDescMetadata | null | undefined): CompiledDesc | null {
  if (!desc || !desc.hasNationalNumberPattern()) return null;
  const lengths = desc.possibleLengthArray();
  // The patterns are libphonenumber's: alternations of digit classes with bounded counts, matched against at most
  // 17 digits, so their cost is bounded whatever they look like.
  return {
    lengths: lengths.length === 0 ? null : new Set(lengths),
    pattern: new RegExp(`^(?:${desc.getNationalNumberPattern()})$`),
  };
}
