package io.sluice.runner;
final class Placeholder {}
