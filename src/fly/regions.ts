/**
 * Fly.io region codes a new Machine can be placed in, from Fly's region list
 * (https://fly.io/docs/reference/regions/, as of 2025: the regions Fly keeps open for new
 * Machines after consolidating its footprint). The one list in the project: the Settings panel
 * and `POST /api/settings` validate `flySessionsRegion` against it. Update it here when Fly
 * opens or closes a region.
 */
export const FLY_REGIONS: Readonly<Record<string, string>> = {
  ams: 'Amsterdam, Netherlands',
  arn: 'Stockholm, Sweden',
  bom: 'Mumbai, India',
  cdg: 'Paris, France',
  dfw: 'Dallas, Texas (US)',
  ewr: 'Secaucus, NJ (US)',
  fra: 'Frankfurt, Germany',
  gru: 'Sao Paulo, Brazil',
  iad: 'Ashburn, Virginia (US)',
  jnb: 'Johannesburg, South Africa',
  lax: 'Los Angeles, California (US)',
  lhr: 'London, United Kingdom',
  nrt: 'Tokyo, Japan',
  ord: 'Chicago, Illinois (US)',
  sin: 'Singapore, Singapore',
  sjc: 'San Jose, California (US)',
  syd: 'Sydney, Australia',
  yyz: 'Toronto, Canada',
};

/** True for a region code in `FLY_REGIONS`. */
export function isFlyRegion(code: string): boolean {
  return Object.hasOwn(FLY_REGIONS, code);
}
