// A deliberately small interpreter for the unsigned-integer subset of GLSL ES 3.00 that
// LABEL_COLOR_GLSL's uint functions use, with GLSL's semantics (wrapping 32-bit uint
// arithmetic, integer division, uint literals must carry the `u` suffix as GLSL requires for
// uint operands). It lets a test run the shader source itself, line by line, against the
// TypeScript colour function. Not a spec file: imported by labelColors.spec.ts.

type Value = number | number[];

interface FunctionDef {
  params: string[];
  body: string;
}

const TOKEN = /\s*(0x[0-9a-fA-F]+u?|\d+\.\d*|\d+u?|[A-Za-z_]\w*|<<=|>>=|<<|>>|==|&&|[-+*/%^&|]=|[-+*/%^&|(){},;.=<>!])/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const text = source.replace(/\/\/.*$/gm, '');
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new SyntaxError(`cannot read GLSL at: ${text.slice(start, start + 30)}`);
    tokens.push(m[1]);
  }
  return tokens;
}

/** The uint functions of a GLSL source, callable from TypeScript. */
export class GlslUint {
  private readonly functions = new Map<string, FunctionDef>();

  constructor(source: string) {
    const header = /\b(uint|uvec2|uvec3|vec4)\s+(\w+)\s*\(([^)]*)\)\s*\{/g;
    let m: RegExpExecArray | null;
    while ((m = header.exec(source))) {
      let depth = 1;
      let i = header.lastIndex;
      while (depth > 0) {
        if (source[i] === '{') depth++;
        if (source[i] === '}') depth--;
        i++;
      }
      const params = m[3].split(',').map(p => p.trim().split(/\s+/)[1]).filter(Boolean);
      this.functions.set(m[2], { params, body: source.slice(header.lastIndex, i - 1) });
    }
  }

  call(name: string, args: Value[]): Value {
    const fn = this.functions.get(name);
    if (!fn) throw new ReferenceError(`no GLSL function ${name}`);
    const scope = new Map<string, Value>(fn.params.map((p, i) => [p, args[i]]));
    return new Run(this, tokenize(fn.body), scope).statements();
  }
}

const u32 = (x: number): number => x >>> 0;

class Run {
  private pos = 0;
  constructor(
    private readonly program: GlslUint,
    private readonly tokens: string[],
    private readonly scope: Map<string, Value>
  ) {}

  statements(): Value {
    while (this.pos < this.tokens.length) {
      const t = this.next();
      if (t === 'return') {
        const value = this.expression();
        this.expect(';');
        return value;
      }
      if (t === 'uint' || t === 'uvec2' || t === 'uvec3') {
        const name = this.next();
        this.expect('=');
        this.scope.set(name, this.expression());
      } else {
        const op = this.next();
        const value = this.expression();
        const current = this.variable(t);
        this.scope.set(t, op === '=' ? value : binary(op.slice(0, -1), current, value));
      }
      this.expect(';');
    }
    throw new SyntaxError('function ended without return');
  }

  // Precedence climbing over GLSL's binary operators used here.
  private expression(level = 0): Value {
    const levels = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
    if (level === levels.length) return this.unary();
    let left = this.expression(level + 1);
    while (levels[level].includes(this.peek())) {
      const op = this.next();
      left = binary(op, left, this.expression(level + 1));
    }
    return left;
  }

  private unary(): Value {
    const t = this.next();
    let value: Value;
    if (t === '(') {
      value = this.expression();
      this.expect(')');
    } else if (/^(0x[0-9a-fA-F]+|\d+)u$/.test(t)) {
      value = u32(Number(t.slice(0, -1)));
    } else if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) {
      throw new TypeError(`int literal ${t} used with uint operands: GLSL needs ${t}u`);
    } else if (this.peek() === '(') {
      this.next();
      const args: Value[] = [];
      while (this.peek() !== ')') {
        args.push(this.expression());
        if (this.peek() === ',') this.next();
      }
      this.next();
      value = this.invoke(t, args);
    } else {
      value = this.variable(t);
    }
    while (this.peek() === '.') {
      this.next();
      const field = this.next();
      value = (value as number[])['xyz'.indexOf(field)];
    }
    return value;
  }

  private invoke(name: string, args: Value[]): Value {
    if (name === 'min') return Math.min(args[0] as number, args[1] as number);
    if (name === 'max') return Math.max(args[0] as number, args[1] as number);
    if (name === 'uvec2' || name === 'uvec3') return args.map(a => u32(a as number));
    return this.program.call(name, args);
  }

  private variable(name: string): Value {
    const value = this.scope.get(name);
    if (value === undefined) throw new ReferenceError(`undefined GLSL variable ${name}`);
    return value;
  }

  private peek(): string {
    return this.tokens[this.pos];
  }
  private next(): string {
    return this.tokens[this.pos++];
  }
  private expect(token: string): void {
    const t = this.next();
    if (t !== token) throw new SyntaxError(`expected ${token}, got ${t}`);
  }
}

function binary(op: string, a: Value, b: Value): number {
  const x = a as number;
  const y = b as number;
  switch (op) {
    case '+':
      return u32(x + y);
    case '-':
      return u32(x - y);
    case '*':
      return u32(Math.imul(x, y));
    case '/':
      return Math.floor(x / y);
    case '%':
      return x % y;
    case '^':
      return u32(x ^ y);
    case '&':
      return u32(x & y);
    case '|':
      return u32(x | y);
    case '<<':
      return u32(x << y);
    case '>>':
      return x >>> y;
    default:
      throw new SyntaxError(`unsupported operator ${op}`);
  }
}
