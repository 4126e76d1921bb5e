import { readFileSync } from 'node:fs';
import {
  buildASTSchema,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import type { AdmissionControl } from './admission.js';

/**
 * Read classes at the edge: a read is classed by the subgraphs its fields are served by, read from the
 * supergraph's join__type / join__field directives (`sessions { facility { stock } }` is
 * booking+inventory, `areas { name }` is reporting). Each class may hold at most its share of the read
 * bound, so a subgraph that hangs can fill its own classes' places but never all of them: reads that do
 * not touch it keep being admitted and served. (The gateway's subgraph timeout and breaker then free the
 * hung places; this bound is what protects everyone else until they do.)
 */
export class SubgraphClassifier {
  private readonly schema: GraphQLSchema;
  private readonly graphNames = new Map<string, string>();
  private readonly cache = new Map<string, string>();
  private readonly hashes = new Map<string, string>();

  constructor(
    supergraphSdl: string,
    private readonly maxCached = 5000,
  ) {
    const document = parse(supergraphSdl);
    this.schema = buildASTSchema(document, { assumeValidSDL: true });
    const graphEnum = this.schema.getType('join__Graph');
    for (const value of graphEnum && 'getValues' in graphEnum ? graphEnum.getValues() : []) {
      const directive = value.astNode?.directives?.find((d) => d.name.value === 'join__graph');
      const name = stringArg(directive, 'name');
      if (name) this.graphNames.set(value.name, name);
    }
  }

  static fromFile(file: string): SubgraphClassifier {
    return new SubgraphClassifier(readFileSync(file, 'utf8'));
  }

  /** The class of a query document: its subgraphs joined by '+', 'none' when it touches none, 'unknown' when it does not parse. */
  classify(query: string, persistedHash?: string): string {
    const cached = this.cache.get(query);
    if (cached) return cached;
    let cls: string;
    try {
      cls = this.compute(query);
    } catch {
      cls = 'unknown';
    }
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(query, cls);
    if (persistedHash) this.remember(persistedHash, cls);
    return cls;
  }

  /** The class of a persisted query sent by hash alone, once the edge has seen its document. */
  classifyHash(hash: string): string {
    return this.hashes.get(hash) ?? 'unknown';
  }

  private remember(hash: string, cls: string): void {
    if (this.hashes.size >= this.maxCached) this.hashes.delete(this.hashes.keys().next().value!);
    this.hashes.set(hash, cls);
  }

  private compute(query: string): string {
    const document = parse(query, { noLocation: true });
    const graphs = new Set<string>();
    const typeInfo = new TypeInfo(this.schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: () => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          const fieldGraphs = (field.astNode?.directives ?? [])
            .filter((d) => d.name.value === 'join__field' && !boolArg(d, 'external'))
            .map((d) => enumArg(d, 'graph'))
            .filter((g): g is string => g !== undefined);
          // A field several subgraphs can serve (keys, shareable values) does not decide where the query goes.
          const owners = fieldGraphs.length
            ? fieldGraphs
            : (parent.astNode?.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => enumArg(d, 'graph') ?? '');
          const distinct = [...new Set(owners)].filter(Boolean);
          if (distinct.length === 1) graphs.add(this.graphNames.get(distinct[0]!) ?? distinct[0]!.toLowerCase());
        },
      }),
    );
    return graphs.size ? [...graphs].sort().join('+') : 'none';
  }
}

function argValue(directive: ConstDirectiveNode | undefined, name: string): ValueNode | undefined {
  return directive?.arguments?.find((a) => a.name.value === name)?.value;
}

function enumArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argValue(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function stringArg(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = argValue(directive, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function boolArg(directive: ConstDirectiveNode, name: string): boolean {
  const value = argValue(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}

/** The query document (and persisted-query hash) of a read, from a POST body or a GET query string. */
export function readDocument(body: Buffer | undefined, target: string): { query?: string; hash?: string } {
  try {
    if (body?.length) {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      const op = (Array.isArray(parsed) ? parsed[0] : parsed) as
        { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | undefined;
      const hash = op?.extensions?.persistedQuery?.sha256Hash;
      return {
        query: typeof op?.query === 'string' ? op.query : undefined,
        hash: typeof hash === 'string' ? hash : undefined,
      };
    }
    const q = target.indexOf('?');
    if (q < 0) return {};
    const params = new URLSearchParams(target.slice(q + 1));
    const query = params.get('query') ?? undefined;
    let hash: string | undefined;
    const extensions = params.get('extensions');
    if (extensions) {
      const value = (JSON.parse(extensions) as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery?.sha256Hash;
      if (typeof value === 'string') hash = value;
    }
    return { query, hash };
  } catch {
    return {};
  }
}

/** How many of `total` places one read class may hold at `share` (0 to 1): at least one. */
export function classBoundOf(total: number, share: number): number {
  return Math.max(1, Math.floor(total * Math.min(1, Math.max(0, share))));
}

/**
 * The read bound shared by classes: a read takes a place of the edge's read admission (the total bound,
 * its queue and deadline) and one of its class, which holds at most `share` of the total. A read whose
 * class is full waits for one of its class's places as it would for a total place (in order, within the
 * total's queue length and deadline, not while the reads are refusing): a class at its bound under a
 * passing burst then loses no read, while a hung subgraph's class still never holds more than its share.
 */
export class ReadClasses {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, ClassWaiter[]>();
  private waiters = 0;
  readonly classBound: number;
  refusedByClass = 0;
  admittedAfterClassWait = 0;

  constructor(
    private readonly total: AdmissionControl,
    share: number,
  ) {
    this.classBound = classBoundOf(total.max, share);
  }

  /** Admits a read of the class or refuses it (false); an admitted one must leave(cls) once. */
  async enter(cls: string): Promise<boolean> {
    const held = this.inFlight.get(cls) ?? 0;
    if (held < this.classBound) {
      // The class place is taken before waiting for a total place, so that waiters count against their class.
      this.inFlight.set(cls, held + 1);
    } else if (!(await this.waitForClass(cls))) {
      this.refusedByClass++;
      // Counted with the read class's refusals too (metrics); it does not mark the whole class overloaded.
      this.total.refused++;
      return false;
    }
    const state = this.total.tryEnter();
    if (state === 'admitted' || (state === 'queued' && (await this.total.wait()))) return true;
    this.release(cls);
    return false;
  }

  leave(cls: string): void {
    this.total.leave();
    this.release(cls);
  }

  /** Resolves true once a place of the class is handed over (release), false at the deadline or when none may wait. */
  private waitForClass(cls: string): Promise<boolean> {
    if (this.waiters >= this.total.queueLimit || this.total.overloaded) return Promise.resolve(false);
    return new Promise((resolve) => {
      const queue = this.waiting.get(cls) ?? [];
      this.waiting.set(cls, queue);
      const waiter: ClassWaiter = {
        since: performance.now(),
        settle: (handed) => {
          clearTimeout(timer);
          this.waiters--;
          resolve(handed);
        },
      };
      const timer = setTimeout(() => {
        const at = queue.indexOf(waiter);
        if (at < 0) return;
        queue.splice(at, 1);
        if (!queue.length) this.waiting.delete(cls);
        waiter.settle(false);
      }, this.total.deadlineMs);
      this.waiters++;
      queue.push(waiter);
    });
  }

  private release(cls: string): void {
    // The place goes to the class's first waiter still within its deadline (timers fire late on a busy loop).
    const queue = this.waiting.get(cls);
    const now = performance.now();
    while (queue?.length) {
      const next = queue.shift()!;
      if (!queue.length) this.waiting.delete(cls);
      if (now - next.since <= this.total.deadlineMs) {
        this.admittedAfterClassWait++;
        return next.settle(true);
      }
      next.settle(false);
    }
    const held = (this.inFlight.get(cls) ?? 1) - 1;
    if (held > 0) this.inFlight.set(cls, held);
    else this.inFlight.delete(cls);
  }

  metrics(): {
    classBound: number;
    refusedByClass: number;
    admittedAfterClassWait: number;
    waiting: number;
    inFlight: Record<string, number>;
  } {
    return {
      classBound: this.classBound,
      refusedByClass: this.refusedByClass,
      admittedAfterClassWait: this.admittedAfterClassWait,
      waiting: this.waiters,
      inFlight: Object.fromEntries(this.inFlight),
    };
  }
}

interface ClassWaiter {
  since: number;
  settle: (handed: boolean) => void;
}

/** The edge's read admission by class; `admit` resolves to the release of an admitted read, or undefined (refused). */
export class ClassedReads {
  constructor(
    private readonly classifier: SubgraphClassifier,
    readonly classes: ReadClasses,
  ) {}

  static create(total: AdmissionControl, options: { supergraphFile: string; classSharePercent: number }): ClassedReads {
    return new ClassedReads(SubgraphClassifier.fromFile(options.supergraphFile), new ReadClasses(total, options.classSharePercent / 100));
  }

  classOf(body: Buffer | undefined, target: string): string {
    const doc = readDocument(body, target);
    if (doc.query) return this.classifier.classify(doc.query, doc.hash);
    return doc.hash ? this.classifier.classifyHash(doc.hash) : 'unknown';
  }

  async admit(body: Buffer | undefined, target: string): Promise<(() => void) | undefined> {
    const cls = this.classOf(body, target);
    return (await this.classes.enter(cls)) ? () => this.classes.leave(cls) : undefined;
  }
}
