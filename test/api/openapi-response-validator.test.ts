import { describe, expect, it } from 'vitest';
import { succeededRecordExample } from '../../src/api/schemas/generation-examples.js';
import { OpenApiResponseValidator, SpecMismatchError, type SpecResponse } from '../support/openapi-response-validator.js';

const validator = OpenApiResponseValidator.fromFile();
const record = succeededRecordExample;
const created: SpecResponse = {
  method: 'POST',
  path: '/v1/generations',
  status: 200,
  contentType: 'application/json',
  headers: { 'x-request-id': 'req-1', location: `/v1/generations/${record.id}` },
  body: record,
};

describe('OpenApiResponseValidator (against openapi.yaml)', () => {
  it('accepts a response the spec describes', () => {
    // Act / Assess
    expect(() => validator.validate(created)).not.toThrow();
  });

  it.each([
    ['an undocumented status (default does not count)', { ...created, status: 418 }, /status not documented/],
    ['an undocumented content type', { ...created, contentType: 'text/html' }, /content type text\/html not documented/],
    ['a missing required header', { ...created, headers: { 'x-request-id': 'req-1' } }, /required header Location missing/],
    ['an invalid header', { ...created, headers: { ...created.headers, 'x-request-id': 'has spaces' } }, /header X-Request-Id/],
    ['a null element of images', { ...created, body: { ...record, images: [null] } }, /\/images\/0/],
    ['a width that is no integer', { ...created, body: { ...record, candidates: [{ ...record.candidates[0], width: 1.5 }] } }, /\/candidates\/0\/width/],
    ['an unknown problem code', { ...created, status: 422, contentType: 'application/problem+json', body: { type: 'https://diffalign.dev/problems/x', title: 'x', status: 422, detail: 'x', code: 'made_up' } }, /\/code/],
    ['a stream event of no known type', { ...created, contentType: 'text/event-stream', events: [{ event: 'progress', id: '1', data: {} }] }, /event 0/],
    ['a candidate event whose data is null', { ...created, contentType: 'text/event-stream', events: [{ event: 'candidate', id: '2', data: null }] }, /event 0/],
    ['an operation the spec does not have', { ...created, method: 'PUT' }, /no such operation/],
  ])('refuses %s', (_label, response, message) => {
    // Act / Assess
    expect(() => validator.validate(response as SpecResponse)).toThrow(SpecMismatchError);
    expect(() => validator.validate(response as SpecResponse)).toThrow(message);
  });

  it('matches request paths to operations, HEAD to GET, and nothing for unknown ones', () => {
    // Assess
    expect(validator.match('GET', `/v1/generations/${record.id}/candidates/c000`)?.operationId).toBe('getCandidateImage');
    expect(validator.match('HEAD', '/v1/models')?.operationId).toBe('listModels');
    expect(validator.match('DELETE', '/v1/models')).toBeUndefined();
    expect(validator.match('GET', '/v1/nothing-here')).toBeUndefined();
  });
});
