/**
 * The sample Kubernetes manifests in deploy/ (kubeconform needs its schemas from the network, so this
 * is the schema check): every file parses as YAML (the `yaml` package), every document has apiVersion,
 * kind and metadata.name; Deployments' selectors match their pod labels; probes, Service target ports
 * and HPA targets point at things that exist; Indexed Jobs say how many; and every `plotline` command
 * line in a container is a real command whose options its --help lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

type Doc = Record<string, any>;

const DEPLOY = 'deploy';
const files = readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml'));
const docs: { file: string; doc: Doc }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: YAML errors`);
    return { file, doc: d.toJS() as Doc };
  }),
);
const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind);

function podSpecs(): { file: string; name: string; pod: Doc }[] {
  return docs.filter((d) => d.doc.kind === 'Deployment' || d.doc.kind === 'Job').map((d) => ({ file: d.file, name: d.doc.metadata.name, pod: d.doc.spec.template.spec }));
}

test('every document has apiVersion, kind and metadata.name, and names are unique per kind', () => {
  assert.ok(files.includes('serve.yaml') && files.includes('batch.yaml'));
  const seen = new Set<string>();
  for (const { file, doc } of docs) {
    for (const key of ['apiVersion', 'kind']) assert.equal(typeof doc[key], 'string', `${file}: ${key}`);
    assert.match(doc.metadata?.name ?? '', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${file}: metadata.name`);
    const key = `${doc.kind}/${doc.metadata.name}`;
    assert.ok(!seen.has(key), `${file}: ${key} twice`);
    seen.add(key);
  }
  assert.deepEqual(new Set(docs.map((d) => d.doc.kind)), new Set(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'Job']));
});

test('Deployments: selector matches the pod labels; containers have an image; probes use declared ports', () => {
  for (const { file, doc } of byKind('Deployment')) {
    assert.equal(doc.apiVersion, 'apps/v1');
    const labels = doc.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(doc.spec.selector.matchLabels)) assert.equal(labels[k], v, `${file}: selector ${k}`);
    for (const container of doc.spec.template.spec.containers) {
      assert.equal(typeof container.image, 'string', `${file}: image`);
      const ports = new Set((container.ports ?? []).flatMap((p: Doc) => [p.name, p.containerPort]));
      for (const probe of [container.readinessProbe, container.livenessProbe].filter(Boolean)) assert.ok(ports.has(probe.httpGet.port), `${file}: probe port ${probe.httpGet.port}`);
    }
  }
  const serve = byKind('Deployment').find((d) => d.doc.metadata.name === 'plotline-serve')!.doc.spec.template.spec.containers[0];
  assert.equal(serve.readinessProbe.httpGet.path, '/readyz');
  assert.equal(serve.livenessProbe.httpGet.path, '/healthz');
});

test('the Service selects the serving pods on a port they declare; the HPA scales an existing Deployment', () => {
  const [service] = byKind('Service');
  const serve = byKind('Deployment').find((d) => Object.entries(service.doc.spec.selector).every(([k, v]) => d.doc.spec.template.metadata.labels[k] === v));
  assert.ok(serve, 'a Deployment matches the Service selector');
  const names = serve.doc.spec.template.spec.containers[0].ports.map((p: Doc) => p.name);
  for (const port of service.doc.spec.ports) assert.ok(names.includes(port.targetPort), `targetPort ${port.targetPort}`);
  for (const { doc } of byKind('HorizontalPodAutoscaler')) {
    assert.equal(doc.apiVersion, 'autoscaling/v2');
    const target = doc.spec.scaleTargetRef;
    assert.ok(byKind(target.kind).some((d) => d.doc.metadata.name === target.name), `HPA target ${target.kind}/${target.name}`);
    assert.ok(doc.spec.minReplicas >= 1 && doc.spec.minReplicas <= doc.spec.maxReplicas);
    assert.ok(doc.spec.metrics.length > 0);
  }
});

test('Jobs: an Indexed Job with completions and parallelism, restartPolicy Never or OnFailure', () => {
  const jobs = byKind('Job');
  assert.ok(jobs.some((j) => j.doc.spec.completionMode === 'Indexed'), 'an Indexed Job');
  for (const { file, doc } of jobs) {
    assert.equal(doc.apiVersion, 'batch/v1');
    assert.ok(['Never', 'OnFailure'].includes(doc.spec.template.spec.restartPolicy), `${file}: restartPolicy`);
    if (doc.spec.completionMode === 'Indexed') {
      assert.ok(Number.isInteger(doc.spec.completions) && doc.spec.completions >= 1);
      assert.ok(Number.isInteger(doc.spec.parallelism) && doc.spec.parallelism >= 1);
    }
  }
});

test('volumes mounted by containers are declared by their pods', () => {
  for (const { file, name, pod } of podSpecs()) {
    const volumes = new Set((pod.volumes ?? []).map((v: Doc) => v.name));
    for (const container of pod.containers) for (const mount of container.volumeMounts ?? []) assert.ok(volumes.has(mount.name), `${file} ${name}: volume ${mount.name}`);
  }
});

test('every plotline command line is a real command with options its --help lists', () => {
  const help = new Map<string, string>();
  for (const { file, name, pod } of podSpecs()) {
    for (const container of pod.containers) {
      const line = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
      const match = /main\.js\s+(\S+)(.*)$/.exec(line);
      assert.ok(match, `${file} ${name}: runs dist/cli/main.js`);
      const [, command, rest] = match;
      if (!help.has(command)) help.set(command, execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command, '--help'], { encoding: 'utf8' }));
      for (const option of rest.match(/--[a-z-]+/g) ?? []) assert.ok(help.get(command)!.includes(option), `${file} ${name}: plotline ${command} has no ${option}`);
    }
  }
});
